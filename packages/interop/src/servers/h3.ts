/**
 * h3 v2 `createEventStream`, as h3's response-utils docs show it: `createEventStream(event)`, `push()` per
 * message, `onClosed()` to clean up and `return eventStream.send()`. The app resumes from the `Last-Event-ID`
 * header with its own counter ids. h3 writes nothing when a stream opens. Served on `node:http` with
 * `toNodeHandler` (h3/node).
 */
import { createServer } from 'node:http'
import { createEventStream, H3 } from 'h3'
import { toNodeHandler } from 'h3/node'
import { createFeed, type FeedEvent } from '../harness/feed'
import { serveBehindProxy, trackSockets } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { answerEvents, createModel } from '../llm/model'

export const h3: ServerModule = {
  ...CATALOG['h3'],
  async start() {
    const feed = createFeed()
    const model = createModel(feed.llm)
    const app = new H3()
    let breakAll = (): void => {}

    app.get('/events', (event) => {
      const lastEventId = event.req.headers.get('last-event-id')
      const eventStream = createEventStream(event)
      const push = (events: readonly FeedEvent[]): void => {
        if (events.length > 0) void eventStream.push(events.map((e) => ({ id: e.id, data: JSON.stringify(e.data) })))
      }
      push(feed.after(lastEventId))
      const stop = feed.listen(push)
      feed.streams.push({ method: 'GET', lastEventId })
      eventStream.onClosed(async () => {
        stop()
        await eventStream.close()
      })
      return eventStream.send()
    })

    app.post('/v1/chat/completions', async (event) => {
      const body: unknown = await event.req.json().catch(() => null)
      const authorization = event.req.headers.get('authorization')
      const plan = model.plan(authorization, body)
      if (plan.kind === 'error') {
        return new Response(JSON.stringify(plan.body), {
          status: plan.status,
          headers: { 'content-type': 'application/json', ...plan.headers },
        })
      }
      const eventStream = createEventStream(event)
      void (async () => {
        for await (const data of answerEvents(plan.steps, () => breakAll())) await eventStream.push(data)
        await eventStream.close()
      })()
      return eventStream.send()
    })

    const server = createServer(toNodeHandler(app))
    breakAll = trackSockets(server).destroyAll
    return serveBehindProxy(server, {
      id: 'h3',
      kind: 'sse',
      path: '/events',
      llmPath: '/v1',
      resumes: true,
      feed,
    })
  },
}
