/** The conformance suite's `shared-frames.test.ts`, on the Redis engine (each server a cluster of its own). */
import { useRedisEngine } from '../engine-under-test'

useRedisEngine()
await import('../shared-frames.test')
