/**
 * Which engine the conformance suite runs on in this test file: the in-memory one (the default), or Redis when the
 * file calls {@link useRedisEngine} first — `test/redis/*.test.ts` do, then import a conformance file, so every
 * file of the suite runs against both engines without a copy. Each server gets its own key prefix on a Redis
 * started for the file.
 */
import { afterAll, beforeAll } from 'vitest'
import type { EngineFactory } from '../src/index'
import type { RedisEngineOptions } from '../src/redis/index'
import type { TestRedis } from './support/redis-server'

let redis: TestRedis | undefined
/** Loaded by {@link useRedisEngine} only, so files on the in-memory engine never load ioredis. */
let createRedisEngine: typeof import('../src/redis/index').redisEngine | undefined
let prefixes = 0

/** Call at the top of a test file, before importing the conformance file: starts a Redis for the file. */
export function useRedisEngine(): void {
  beforeAll(async () => {
    const [{ redisEngine }, { startTestRedis }] = await Promise.all([
      import('../src/redis/index'),
      import('./support/redis-server'),
    ])
    createRedisEngine = redisEngine
    redis = await startTestRedis()
  })
  afterAll(async () => {
    await redis?.dispose()
    redis = undefined
  })
}

/** The file's Redis (after {@link useRedisEngine}'s `beforeAll`). */
export function testRedis(): TestRedis {
  if (!redis) throw new Error('no test Redis: call useRedisEngine() at the top of the file')
  return redis
}

/** A key prefix no other server of this run uses (a cluster of one, unless shared on purpose). */
export function uniquePrefix(): string {
  return `t${process.pid}x${++prefixes}x${Math.random().toString(36).slice(2, 8)}`
}

/** A Redis engine on the file's Redis; servers given the same `keyPrefix` form one cluster. */
export function testRedisEngine(options: RedisEngineOptions = {}): EngineFactory<false> {
  const url = testRedis().url
  if (!createRedisEngine) throw new Error('useRedisEngine() did not run')
  return createRedisEngine({ url, keyPrefix: uniquePrefix(), ...options })
}

/** The `engine` option of a server of the conformance suite: none (in-memory) or a fresh Redis cluster. */
export function engineOption(): { engine?: EngineFactory<boolean> } {
  return redis ? { engine: testRedisEngine() } : {}
}

/** Whether this file runs on Redis. */
export const onRedis = (): boolean => redis !== undefined
