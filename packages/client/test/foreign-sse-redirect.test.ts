/**
 * Redirects on the default Node SSE transport (`node:http`), end to end: a trailing-slash redirect in front of a
 * plain `node:http` stream, and a load balancer that sends every request to the reference server. Each reconnect
 * starts again from the URL the app gave, as `EventSource` does, and resumes with `Last-Event-ID`
 * (docs/decisions/0010). Real network on 127.0.0.1, port 0; bounded waits.
 */
import { describe, expect, it } from 'vitest'
import { createClient } from '../src/channels/client'
import { subscribe } from '../src/raw/subscribe'
import { manualTimers } from './fakes/manual-timers'
import { startServer } from './integration/harness'
import { until, usePlainNet } from './support/plain-net'

const net = usePlainNet()

describe('SSE through redirects (Node, node:http)', () => {
  it('raw subscribe(): a trailing-slash redirect; each reconnect goes to the original URL with Last-Event-ID', async () => {
    let served = 0
    const srv = await net.http((req, res) => {
      if (req.url === '/feed') {
        res.writeHead(301, { location: '/feed/' })
        res.end()
        return
      }
      served++
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(`id: ${served}\ndata: ${served}\n\n`) // one event per connection, then the stream ends
    })
    const timers = manualTimers()
    const events: unknown[] = []
    const states: string[] = []
    const sub = subscribe(`${srv.origin}/feed`, {
      reconnect: { backoff: () => 100 },
      platform: { timers },
      onEvent: (data) => events.push(data),
      onState: (change) => states.push(change.to),
    })
    try {
      await until(() => events.length === 1 && states.at(-1) === 'reconnecting', 'the first stream to end')
      timers.advance(100)
      await until(() => events.length === 2, 'the second stream')
      expect(events).toEqual([1, 2])
      expect(srv.requests.map((r) => [r.url, r.headers['last-event-id']])).toEqual([
        ['/feed', undefined],
        ['/feed/', undefined],
        ['/feed', '1'],
        ['/feed/', '1'],
      ])
      expect(states).not.toContain('closed')
    } finally {
      sub.close()
    }
  })

  it('createClient: a load balancer that answers 307 to the reference server on another origin', async () => {
    const h = await startServer()
    const target = new URL(h.baseUrl).origin
    const balancer = await net.http((req, res) => {
      res.writeHead(307, { location: `${target}${req.url ?? '/'}` })
      res.end()
    })
    const rt = createClient({ url: `${balancer.origin}/rt`, token: () => 'secret', reconnect: { backoff: () => 10 } })
    try {
      const events: unknown[] = []
      const states: string[] = []
      rt.subscribe('ticker', { onEvent: (data) => events.push(data), onState: (change) => states.push(change.to) })
      await until(() => states.includes('open'), 'the channel to open through the redirect')
      h.server.publish('ticker', { n: 1 })
      await until(() => events.length === 1, 'the event')
      expect(balancer.requests[0]?.url).toMatch(/^\/rt\/sse\?channels=ticker/)
      expect(balancer.requests[0]?.headers.authorization).toBe('Bearer secret')
      expect(h.server.stats().sse.open).toBe(1)

      h.faults.drop('sse') // the reconnect goes through the balancer again and resumes
      h.server.publish('ticker', { n: 2 })
      await until(() => events.length === 2 && balancer.requests.length === 2, 'the resumed stream')
      expect(events).toEqual([{ n: 1 }, { n: 2 }])
    } finally {
      rt.close()
      await h.close()
    }
  })
})
