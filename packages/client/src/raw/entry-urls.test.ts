import { describe, expect, it } from 'vitest'
import { FakeWebSocket, FakeWebSocketConstructor } from '../../test/fakes/websocket'
import { subscribe } from './subscribe'
import { subscribe as subscribeSse } from './subscribe-sse'
import { subscribe as subscribeWs } from './subscribe-ws'

const fetch = () => new Promise<Response>(() => {})
const platform = { fetch, WebSocket: FakeWebSocketConstructor, EventSource: undefined }

describe('raw subscribe() entries: URL schemes and the transport reason', () => {
  it('the SSE entry takes http(s) as is and converts ws(s); other schemes are refused', () => {
    for (const [url, reason] of [
      ['http://x.test/a', 'http(s) URL → SSE'],
      ['https://x.test/a', 'http(s) URL → SSE'],
      ['ws://x.test/a', 'SSE entry (URL scheme converted)'],
      ['wss://x.test/a', 'SSE entry (URL scheme converted)'],
    ] as const) {
      const sub = subscribeSse(url, { platform })
      expect([sub.transport, sub.transportReason]).toEqual(['sse', reason])
      sub.close()
    }
    expect(() => subscribeSse('ftp://x.test/a', { platform })).toThrow(
      'subscribe(): unsupported URL scheme ftp: (http, https, ws, wss)',
    )
  })

  it('the WebSocket entry takes ws(s) as is and converts http(s); other schemes are refused', () => {
    for (const [url, reason] of [
      ['ws://x.test/a', 'ws(s) URL → WebSocket'],
      ['https://x.test/a', 'WebSocket entry (URL scheme converted)'],
    ] as const) {
      const sub = subscribeWs(url, { platform })
      expect([sub.transport, sub.transportReason]).toEqual(['websocket', reason])
      expect(FakeWebSocket.last.url).toBe(url.replace(/^http/, 'ws'))
      sub.close()
    }
    expect(() => subscribeWs('ftp://x.test/a', { platform })).toThrow(
      'subscribe(): unsupported URL scheme ftp: (ws, wss, http, https)',
    )
  })

  it('the auto subscribe() follows the URL, or converts it for a forced transport', () => {
    for (const [url, transport, kind, reason] of [
      ['https://x.test/a', undefined, 'sse', 'http(s) URL → SSE'],
      ['wss://x.test/a', 'auto', 'websocket', 'ws(s) URL → WebSocket'],
      ['http://x.test/a', 'sse', 'sse', "transport: 'sse'"],
      ['http://x.test/a', 'websocket', 'websocket', "transport: 'websocket' (URL scheme converted)"],
      ['wss://x.test/a', 'sse', 'sse', "transport: 'sse' (URL scheme converted)"],
    ] as const) {
      const sub = subscribe(url, { platform, ...(transport ? { transport } : {}) })
      expect([sub.transport, sub.transportReason]).toEqual([kind, reason])
      sub.close()
    }
    expect(() => subscribe('ftp://x.test/a', { platform })).toThrow(
      'subscribe(): unsupported URL scheme ftp: (http, https, ws, wss)',
    )
  })
})
