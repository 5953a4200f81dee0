import { describe, expectTypeOf, it } from 'vitest'
import NodeWebSocket from 'ws'
import { createClient } from '../channels/client'
import { subscribe } from '../raw/subscribe'
import type { WebSocketConstructor } from './platform-types'

describe('platform.WebSocket types', () => {
  it('the ws package, and a subclass that adds its own options (a private CA), fit without a cast', () => {
    expectTypeOf(NodeWebSocket).toExtend<WebSocketConstructor>()
    class TrustingWebSocket extends NodeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { ca: 'PEM' })
      }
    }
    expectTypeOf(TrustingWebSocket).toExtend<WebSocketConstructor>()
    createClient({ url: 'https://127.0.0.1/rt', platform: { WebSocket: TrustingWebSocket } })
    subscribe('wss://127.0.0.1/feed', { platform: { WebSocket: TrustingWebSocket } })
  })

  it('the DOM WebSocket fits too', () => {
    expectTypeOf<typeof globalThis.WebSocket>().toExtend<WebSocketConstructor>()
  })

  it('something that is not a WebSocket does not', () => {
    class NotASocket {
      constructor(readonly url: string) {}
    }
    expectTypeOf(NotASocket).not.toExtend<WebSocketConstructor>()
  })
})
