/**
 * `@switchline/server/redis`: the Redis Streams engine, for several `@switchline/server` instances that share one
 * log, one id sequence and one order (docs/decisions/0018). Needs `ioredis` (an optional peer dependency).
 * @packageDocumentation
 */
export { redisEngine } from './redis-engine'
export type { RedisEngineOptions } from './redis-engine'
