/**
 * Fastify 5 with `fastify-sse-v2`, as its README shows it: `register(FastifySSEPlugin)` with the defaults
 * (`retry: 3000` written at once), `reply.sse(asyncIterable)` fed from an emitter with `events.on()` (the README's
 * "Sending events from EventEmitters"), cleanup on `request.socket.on('close')`, `{ id: String(i), data }`
 * messages. The app resumes from the `last-event-id` request header.
 */
import Fastify from 'fastify'
import { FastifySSEPlugin } from 'fastify-sse-v2'
import { EventEmitter, on } from 'node:events'
import { createFeed, type FeedEvent } from '../harness/feed'
import { fastifyBehindProxy } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { answerEvents, createModel } from '../llm/model'

interface V2Message {
  id?: string
  data?: string
  event?: string
}
/** `reply.sse` of fastify-sse-v2 (its type augmentation collides with @fastify/sse's in one program). */
type V2Reply = { sse(source: AsyncIterable<V2Message> | V2Message): void }

export const fastifySseV2: ServerModule = {
  ...CATALOG['fastify-sse-v2'],
  async start() {
    const feed = createFeed()
    const model = createModel(feed.llm)
    const updates = new EventEmitter()
    feed.listen((events) => updates.emit('update', events))
    const app = Fastify()
    await app.register(FastifySSEPlugin)

    app.get('/events', (request, reply) => {
      const header = request.headers['last-event-id']
      const lastEventId = typeof header === 'string' ? header : null
      const abort = new AbortController()
      request.socket.on('close', () => abort.abort())
      // Listening starts now, in the same tick as the replay snapshot: nothing falls between them.
      const live = on(updates, 'update', { signal: abort.signal })
      const missed = feed.after(lastEventId)
      const message = (event: FeedEvent): V2Message => ({ id: event.id, data: JSON.stringify(event.data) })
      ;(reply as unknown as V2Reply).sse(
        (async function* () {
          yield* missed.map(message)
          try {
            for await (const [events] of live) yield* (events as FeedEvent[]).map(message)
          } catch {
            // aborted: the client left
          }
        })(),
      )
      feed.streams.push({ method: 'GET', lastEventId })
    })

    app.post('/v1/chat/completions', async (request, reply) => {
      const authorization = request.headers.authorization ?? null
      const body: unknown = request.body ?? null
      const plan = model.plan(authorization, body)
      if (plan.kind === 'error') return reply.code(plan.status).headers(plan.headers).send(plan.body)
      ;(reply as unknown as V2Reply).sse(
        (async function* () {
          for await (const data of answerEvents(plan.steps, () => request.raw.socket.destroy())) yield { data }
        })(),
      )
      return reply
    })

    return fastifyBehindProxy(app, {
      id: 'fastify-sse-v2',
      kind: 'sse',
      path: '/events',
      llmPath: '/v1',
      resumes: true,
      feed,
    })
  },
}
