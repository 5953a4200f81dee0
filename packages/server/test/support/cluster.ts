/** Several server instances on one Redis key prefix: one cluster, as behind a load balancer. */
import type { SwitchlineServerOptions } from '../../src/index'
import type { RedisEngineOptions } from '../../src/redis/index'
import { testRedisEngine, uniquePrefix } from '../engine-under-test'
import { startServer, type Started } from '../helpers'

/** Starts `count` instances sharing one cluster (key prefix) on the file's Redis; closed after the test. */
export async function startCluster(
  count = 2,
  options: Partial<SwitchlineServerOptions<boolean>> = {},
  engine: RedisEngineOptions = {},
): Promise<Started[]> {
  const keyPrefix = uniquePrefix()
  const nodes: Started[] = []
  for (let i = 0; i < count; i++)
    nodes.push(await startServer({ ...options, engine: testRedisEngine({ ...engine, keyPrefix }) }))
  return nodes
}

/** `[from, from + 1, …, from + count - 1]` */
export const range = (count: number, from = 0): number[] => Array.from({ length: count }, (_, i) => from + i)

/** The seq of an event id. */
export const seqOf = (id: string): number => Number(id.slice(id.indexOf('-') + 1))
