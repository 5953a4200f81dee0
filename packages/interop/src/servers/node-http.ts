/**
 * A plain `node:http` SSE endpoint, written by hand the way MDN's "Using server-sent events" describes the format:
 * `text/event-stream`, a `retry:` line first, `id:` + `data:` per event, resume from the `Last-Event-ID` request
 * header. CORS for the browser cases: any origin, and a preflight answer that allows `Last-Event-ID`.
 */
import { createServer } from 'node:http'
import { createFeed, type FeedEvent } from '../harness/feed'
import { serveBehindProxy } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'

const CORS = { 'access-control-allow-origin': '*' }

export const nodeHttp: ServerModule = {
  ...CATALOG['node-http'],
  async start() {
    const feed = createFeed()
    const server = createServer((req, res) => {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          ...CORS,
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': 'last-event-id, authorization, content-type',
          'access-control-max-age': '600',
        })
        res.end()
        return
      }
      if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://x').pathname !== '/events') {
        res.writeHead(404, CORS).end()
        return
      }
      const header = req.headers['last-event-id']
      const lastEventId = typeof header === 'string' ? header : null
      res.writeHead(200, {
        ...CORS,
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      res.write('retry: 500\n\n')
      const write = (events: readonly FeedEvent[]): void => {
        for (const event of events) res.write(`id: ${event.id}\ndata: ${JSON.stringify(event.data)}\n\n`)
      }
      write(feed.after(lastEventId))
      const stop = feed.listen(write)
      feed.streams.push({ method: 'GET', lastEventId })
      res.on('close', stop)
    })
    return serveBehindProxy(server, {
      id: 'node-http',
      kind: 'sse',
      path: '/events',
      resumes: true,
      feed,
    })
  },
}
