/**
 * Express 5 with a hand-written stream, the pattern most Express SSE tutorials use: `res.set()` the SSE headers,
 * `res.flushHeaders()`, then `res.write('id: …\ndata: …\n\n')` per event, resume from `req.get('Last-Event-ID')`,
 * clean up on `req.on('close')`. Nothing is written when the stream opens. The chat-completions route is the same
 * by hand, after `express.json()`.
 */
import express from 'express'
import { createServer } from 'node:http'
import { createFeed, type FeedEvent } from '../harness/feed'
import { serveBehindProxy } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { answerEvents, createModel } from '../llm/model'

export const expressSse: ServerModule = {
  ...CATALOG['express'],
  async start() {
    const feed = createFeed()
    const model = createModel(feed.llm)
    const app = express()

    app.get('/events', (req, res) => {
      const lastEventId = req.get('Last-Event-ID') ?? null
      res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' })
      res.flushHeaders()
      const write = (events: readonly FeedEvent[]): void => {
        for (const event of events) res.write(`id: ${event.id}\ndata: ${JSON.stringify(event.data)}\n\n`)
      }
      write(feed.after(lastEventId))
      const stop = feed.listen(write)
      feed.streams.push({ method: 'GET', lastEventId })
      req.on('close', stop)
    })

    app.post('/v1/chat/completions', express.json(), async (req, res) => {
      const authorization = req.get('Authorization') ?? null
      const body: unknown = req.body ?? null
      const plan = model.plan(authorization, body)
      if (plan.kind === 'error') {
        res.status(plan.status).set(plan.headers).json(plan.body)
        return
      }
      res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' })
      res.flushHeaders()
      for await (const data of answerEvents(plan.steps, () => req.socket.destroy())) {
        if (res.destroyed) return
        res.write(`data: ${data}\n\n`)
      }
      res.end()
    })

    const server = createServer(app)
    return serveBehindProxy(server, {
      id: 'express',
      kind: 'sse',
      path: '/events',
      llmPath: '/v1',
      resumes: true,
      feed,
    })
  },
}
