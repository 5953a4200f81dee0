/** Every server module of the matrix, in table order. */
import type { ServerModule } from '../harness/types'
import { betterSse } from './better-sse'
import { expressSse } from './express'
import { fastifySse } from './fastify-sse'
import { fastifySseV2 } from './fastify-sse-v2'
import { h3 } from './h3'
import { hono } from './hono'
import { nodeHttp } from './node-http'
import { openaiStyle } from './openai'
import { plainWs } from './ws'

export const SERVERS: readonly ServerModule[] = [
  betterSse,
  hono,
  h3,
  expressSse,
  fastifySse,
  fastifySseV2,
  nodeHttp,
  plainWs,
  openaiStyle,
]
