/**
 * better-sse on Express, as its README shows it: `const session = await createSession(req, res)` and
 * `session.push(data, eventName, eventId)`, with the library's defaults (JSON serializer, `retry: 2000` sent at
 * once, a keep-alive comment every 10 s, `session.lastId` from the client's `Last-Event-ID`). The app gives its
 * own counter ids (better-sse's default is a random UUID per push, which an app cannot resume from) and replays
 * what followed `session.lastId`. The chat-completions route streams through a session whose serializer passes
 * the already-serialized chunks through (so `[DONE]` goes out bare).
 */
import { createSession } from 'better-sse'
import express from 'express'
import { createServer } from 'node:http'
import { createFeed, type FeedEvent } from '../harness/feed'
import { serveBehindProxy } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { answerEvents, createModel } from '../llm/model'

export const betterSse: ServerModule = {
  ...CATALOG['better-sse'],
  async start() {
    const feed = createFeed()
    const model = createModel(feed.llm)
    const app = express()

    app.get('/events', async (req, res) => {
      const session = await createSession(req, res)
      const push = (events: readonly FeedEvent[]): void => {
        for (const event of events) if (session.isConnected) session.push(event.data, 'message', event.id)
      }
      push(feed.after(session.lastId))
      const stop = feed.listen(push)
      feed.streams.push({ method: 'GET', lastEventId: req.get('Last-Event-ID') ?? null })
      session.on('disconnected', stop)
    })

    app.post('/v1/chat/completions', express.json(), async (req, res) => {
      const authorization = req.get('Authorization') ?? null
      const body: unknown = req.body ?? null
      const plan = model.plan(authorization, body)
      if (plan.kind === 'error') {
        res.status(plan.status).set(plan.headers).json(plan.body)
        return
      }
      const session = await createSession(req, res, { serializer: (data) => String(data) })
      for await (const data of answerEvents(plan.steps, () => req.socket.destroy())) {
        if (!session.isConnected) return
        session.push(data)
      }
      res.end()
    })

    const server = createServer(app)
    return serveBehindProxy(server, {
      id: 'better-sse',
      kind: 'sse',
      path: '/events',
      llmPath: '/v1',
      resumes: true,
      feed,
    })
  },
}
