/**
 * Fastify 5 with `@fastify/sse`, as its README shows it: `register(fastifySSE)` with the defaults (30 s heartbeat
 * comment, JSON serializer), `{ sse: true }` routes, `reply.sse.keepAlive()` for a long-lived stream,
 * `reply.sse.sendHeaders()` (the headers go out at once, nothing else), `reply.sse.replay()` from
 * `Last-Event-ID`, and the README's `id: Date.now()` — so a burst shares one id. The README's replay compares the
 * numeric id with the header string (`findIndex(msg => msg.id === lastEventId)`, never true: it would replay the
 * whole history); the app here compares strings and takes the last match. The chat-completions route is the
 * README's `sse: 'manual'` route for OpenAI-style `{ stream: true }` requests.
 */
import fastifySSE, { type SSEReplyInterface } from '@fastify/sse'
import Fastify from 'fastify'
import { createFeed, type FeedEvent } from '../harness/feed'
import { fastifyBehindProxy } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { answerEvents, createModel } from '../llm/model'

/**
 * `reply.sse` of @fastify/sse. fastify-sse-v2 (in the same program) declares `reply.sse` as a method, and the
 * two module augmentations collide; at run time each Fastify instance has only its own plugin.
 */
function sseOf(reply: unknown): SSEReplyInterface {
  return (reply as { sse: SSEReplyInterface }).sse
}

export const fastifySse: ServerModule = {
  ...CATALOG['fastify-sse'],
  async start() {
    const feed = createFeed(() => String(Date.now()))
    const model = createModel(feed.llm)
    const app = Fastify()
    await app.register(fastifySSE)

    app.get('/events', { sse: true }, async (_request, reply) => {
      const sse = sseOf(reply)
      sse.keepAlive()
      sse.sendHeaders()
      const send = async (events: readonly FeedEvent[]): Promise<void> => {
        for (const event of events) if (sse.isConnected) await sse.send({ id: event.id, data: event.data })
      }
      // replay() runs its callback at once (when there is a Last-Event-ID): the snapshot and the listener below
      // are taken in the same tick, so nothing falls between them.
      let queue: Promise<unknown> = sse.replay((lastEventId) => send(feed.after(lastEventId)))
      const stop = feed.listen((events) => {
        queue = queue.then(() => send(events)).catch(() => {})
      })
      feed.streams.push({ method: 'GET', lastEventId: sse.lastEventId })
      sse.onClose(stop)
    })

    app.post('/v1/chat/completions', { sse: 'manual' }, async (request, reply) => {
      const authorization = request.headers.authorization ?? null
      const body: unknown = request.body ?? null
      const plan = model.plan(authorization, body)
      if (plan.kind === 'error') return reply.code(plan.status).headers(plan.headers).send(plan.body)
      // Headers go out with the first event; the connection closes when the handler resolves.
      await sseOf(reply).send(answerEvents(plan.steps, () => request.raw.socket.destroy()))
    })

    return fastifyBehindProxy(app, {
      id: 'fastify-sse',
      kind: 'sse',
      path: '/events',
      llmPath: '/v1',
      resumes: true,
      feed,
    })
  },
}
