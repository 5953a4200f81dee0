/** The conformance suite's `faults.test.ts`, on the Redis engine (each server a cluster of its own). */
import { useRedisEngine } from '../engine-under-test'

useRedisEngine()
await import('../faults.test')
