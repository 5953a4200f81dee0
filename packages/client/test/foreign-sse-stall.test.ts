/**
 * SSE stall detection against a plain `node:http` server that is not ours: its event feed has died while a
 * keep-alive goes on (`: keep-alive` comments). `createClient` counts only events (R13: events and `sl-heartbeat`),
 * so it reconnects; raw `subscribe()` counts comments, the keep-alive of foreign servers. The client's time is a
 * manual clock; the network is real (127.0.0.1, port 0) and every wait is bounded.
 */
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { createClient } from '../src/channels/client'
import { subscribe } from '../src/raw/subscribe'
import { manualTimers } from './fakes/manual-timers'
import { until, usePlainNet } from './support/plain-net'

const net = usePlainNet()

/** A server that opens each stream like a Switchline server (`retry:`, `sl-ready` with a 1 s heartbeat), then leaves it to the test. */
async function keepAliveOnlyServer() {
  const streams: ServerResponse[] = []
  const srv = await net.http((req, res) => {
    const channels = new URL(req.url ?? '/', 'http://x').searchParams.get('channels')?.split(',') ?? []
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    const ready = { epoch: 'e1', heartbeatMs: 1000, channels, cursor: 'e1-0' }
    res.write(`retry: 1000\n\nevent: sl-ready\ndata: ${JSON.stringify(ready)}\n\n`)
    streams.push(res)
  })
  return { srv, streams }
}

describe('SSE stall detection against a comments-only stream', () => {
  it('createClient: comments do not count; no event for 2 × heartbeat + 5 s reconnects', async () => {
    const { srv, streams } = await keepAliveOnlyServer()
    const reads = net.observeHttpReads()
    const timers = manualTimers()
    const rt = createClient({ url: `${srv.origin}/rt`, platform: { timers }, reconnect: { backoff: () => 0 } })
    try {
      const states: string[] = []
      rt.subscribe('ticker', { onState: (change) => states.push(change.to) })
      await until(() => states.includes('open'), 'the stream to open')
      const stream = streams[0]!
      // Stall timeout 7000 ms from sl-ready. A keep-alive every second, each read by the client before time moves.
      for (let second = 1; second <= 7; second++) {
        const before = reads.chars
        stream.write(': keep-alive\n\n')
        await until(() => reads.chars > before, 'the client to read the comment')
        expect(srv.requests).toHaveLength(1)
        timers.advance(1000)
      }
      await until(() => states.includes('reconnecting'), 'the stall to be detected')
      timers.advance(2000) // the `retry: 1000` hint is the floor of the jitter range: [1000, 2000) with backoff 0
      await until(() => srv.requests.length === 2, 'the reconnect')
    } finally {
      rt.close()
    }
  })

  it('raw subscribe(): comments are the keep-alive of foreign servers and keep the stream alive', async () => {
    const { srv, streams } = await keepAliveOnlyServer()
    const reads = net.observeHttpReads()
    const timers = manualTimers()
    const states: string[] = []
    const sub = subscribe(`${srv.origin}/feed`, {
      stallTimeoutMs: 3000,
      platform: { timers },
      onState: (change) => states.push(change.to),
    })
    try {
      await until(() => states.includes('open') && streams.length === 1, 'the stream to open')
      for (let second = 1; second <= 10; second++) {
        const before = reads.chars
        streams[0]!.write(': keep-alive\n\n')
        await until(() => reads.chars > before, 'the client to read the comment')
        timers.advance(1000)
      }
      expect(states).not.toContain('reconnecting')
      timers.advance(3000) // and silence does stall it
      await until(() => states.includes('reconnecting'), 'the stall to be detected')
    } finally {
      sub.close()
    }
  })
})
