/**
 * Hono `streamSSE` on `@hono/node-server`, as Hono's streaming-helper docs show it: `writeSSE({ data, event, id })`
 * with `id: String(id++)`. Here the counter starts at 0 in the handler — numbered per connection, as many apps
 * write it (the docs' example keeps it at module level) — so ids repeat after every reconnect; the app does not
 * read `Last-Event-ID` (nothing is replayed). It writes nothing when a stream opens, and sends a named
 * `event: heartbeat` / `data: ping` every {@link HEARTBEAT_MS} (a common Hono keep-alive; the usual 15–30 s scaled
 * down). The chat-completions route streams with `streamSSE` too.
 */
import { serve, type HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { Server } from 'node:http'
import { createFeed, type FeedEvent } from '../harness/feed'
import { behindProxy, closeHttp } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { answerEvents, createModel, type LlmPlan } from '../llm/model'

export const HEARTBEAT_MS = 1_500

export const hono: ServerModule = {
  ...CATALOG['hono'],
  async start() {
    const feed = createFeed()
    const model = createModel(feed.llm)
    const app = new Hono<{ Bindings: HttpBindings }>()

    app.get('/events', (c) =>
      streamSSE(c, async (stream) => {
        let id = 0
        let queue: Promise<unknown> = Promise.resolve()
        const write = (events: readonly FeedEvent[]): void => {
          queue = queue.then(async () => {
            for (const event of events) await stream.writeSSE({ data: JSON.stringify(event.data), id: String(id++) })
          })
        }
        const stop = feed.listen(write)
        feed.streams.push({ method: 'GET', lastEventId: c.req.header('last-event-id') ?? null })
        const heartbeat = setInterval(() => {
          queue = queue.then(() => stream.writeSSE({ event: 'heartbeat', data: 'ping' }))
        }, HEARTBEAT_MS)
        await new Promise<void>((resolve) => {
          stream.onAbort(() => {
            stop()
            clearInterval(heartbeat)
            resolve()
          })
        })
      }),
    )

    app.post('/v1/chat/completions', async (c) => {
      const body: unknown = await c.req.json().catch(() => null)
      const authorization = c.req.header('authorization') ?? null
      const plan: LlmPlan = model.plan(authorization, body)
      if (plan.kind === 'error') return c.json(plan.body, plan.status as 400, plan.headers)
      return streamSSE(c, async (stream) => {
        for await (const data of answerEvents(plan.steps, () => c.env.incoming.socket.destroy())) {
          if (stream.aborted) return
          await stream.writeSSE({ data })
        }
      })
    })

    const server = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server))
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('hono: no TCP address')
    return behindProxy({
      id: 'hono',
      kind: 'sse',
      port: address.port,
      path: '/events',
      llmPath: '/v1',
      resumes: false,
      heartbeatMs: HEARTBEAT_MS,
      userOptions: { ignoreEvents: ['heartbeat'] },
      feed,
      closeServer: () => closeHttp(server),
    })
  },
}
