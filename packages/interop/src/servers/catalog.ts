/**
 * The matrix rows, in table order: what each server is, without its code (the browser suite and the table read
 * this; `servers/<lib>.ts` adds `start()`).
 */
import type { ServerInfo } from '../harness/types'

const row = (info: ServerInfo): ServerInfo => info

export const CATALOG = {
  'better-sse': row({
    id: 'better-sse',
    title: 'better-sse on Express',
    packages: ['better-sse', 'express'],
    kind: 'sse',
    llm: true,
    stream: true,
  }),
  hono: row({
    id: 'hono',
    title: 'Hono `streamSSE` + `@hono/node-server`',
    packages: ['hono', '@hono/node-server'],
    kind: 'sse',
    llm: true,
    stream: true,
  }),
  h3: row({ id: 'h3', title: 'h3 `createEventStream`', packages: ['h3'], kind: 'sse', llm: true, stream: true }),
  express: row({
    id: 'express',
    title: 'Express, hand-written stream',
    packages: ['express'],
    kind: 'sse',
    llm: true,
    stream: true,
  }),
  'fastify-sse': row({
    id: 'fastify-sse',
    title: 'Fastify + `@fastify/sse`',
    packages: ['fastify', '@fastify/sse'],
    kind: 'sse',
    llm: true,
    stream: true,
  }),
  'fastify-sse-v2': row({
    id: 'fastify-sse-v2',
    title: 'Fastify + `fastify-sse-v2`',
    packages: ['fastify', 'fastify-sse-v2'],
    kind: 'sse',
    llm: true,
    stream: true,
  }),
  'node-http': row({
    id: 'node-http',
    title: '`node:http`, hand-written',
    packages: [],
    kind: 'sse',
    llm: false,
    stream: true,
  }),
  ws: row({ id: 'ws', title: '`ws`, plain server', packages: ['ws'], kind: 'websocket', llm: false, stream: true }),
  'openai-style': row({
    id: 'openai-style',
    title: 'OpenAI-style chat completions, read by `openai`',
    packages: ['openai'],
    kind: 'sse',
    llm: true,
    stream: false,
  }),
} as const satisfies Record<string, ServerInfo>

export type ServerId = keyof typeof CATALOG

/** The servers the browser suite runs too: the plain ones, no library between the test and the wire. */
export const BROWSER_SERVERS: readonly ServerId[] = ['node-http', 'ws']
