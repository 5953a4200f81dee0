/** The conformance suite's `ws-resume.test.ts`, on the Redis engine (each server a cluster of its own). */
import { useRedisEngine } from '../engine-under-test'

useRedisEngine()
await import('../ws-resume.test')
