/**
 * Typed named events in real browsers: a channel of the reference server (global-setup.ts) whose publisher names
 * its events reaches `on(name)` over the browser's fetch SSE and its native WebSocket.
 */
import { describe, expect, it, vi } from 'vitest'
import { createClient } from '../../src/index'
import { baseUrl } from './support'

interface Order {
  id: string
  total: number
}
type Schema = { chat: { receive: Order | { text: string }; send: { text: string }; events: { 'order-update': Order } } }

/** `POST B/publish` with an event name (docs/protocol.md R22). */
async function publishNamed(channel: string, data: unknown, event?: string): Promise<void> {
  const res = await fetch(`${baseUrl()}/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event === undefined ? { channel, data } : { channel, data, event }),
  })
  expect(res.status).toBe(200)
}

describe('named events in the browser', () => {
  it.each(['sse', 'websocket'] as const)(
    'on(name) over %s gets the named events only; onEvent gets all',
    async (transport) => {
      const rt = createClient<Schema>({ url: baseUrl(), sendChannels: ['chat'] })
      const key = `named-${transport}-${Math.random().toString(36).slice(2)}`
      const names: string[] = []
      const chat = rt.subscribe('chat', { key, transport, onEvent: (_data, meta) => names.push(meta.event) })
      const totals: number[] = []
      chat.on('order-update', (order) => totals.push(order.total))
      await vi.waitFor(() => expect(chat.state).toBe('open'))
      expect(chat.transport).toBe(transport)
      await publishNamed(`chat:${key}`, { id: 'a', total: 7 }, 'order-update')
      await publishNamed(`chat:${key}`, { text: 'plain' })
      await vi.waitFor(() => expect(names).toEqual(['order-update', 'message']))
      expect(totals).toEqual([7])
      rt.close()
    },
  )
})
