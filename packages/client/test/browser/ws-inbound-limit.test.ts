/**
 * `maxMessageBytes` with the browser's own WebSocket, which has no `maxPayload`: a message over the bound has been
 * received by the browser already, so it is dropped on arrival, reported, and the socket stays open.
 */
import { describe, expect, it, vi } from 'vitest'
import { createClient, subscribe } from '../../src/index'
import type { SwitchlineError } from '../../src/core/errors'
import { baseUrl, publish, stats } from './support'

const unique = (): string => Math.random().toString(36).slice(2, 10)

describe('incoming WebSocket messages over maxMessageBytes (native WebSocket)', () => {
  it('raw subscribe(): dropped with payload_too_large, the socket stays, the next message arrives', async () => {
    const key = unique()
    const messages: string[] = []
    const errors: SwitchlineError[] = []
    const sub = subscribe<string>(`${baseUrl().replace(/^http/, 'ws')}/ws`, {
      protocols: ['switchline.v1'],
      format: 'text',
      maxMessageBytes: 400,
      onEvent: (text) => messages.push(text),
      onError: (error) => errors.push(error),
    })
    try {
      await sub.send(JSON.stringify({ type: 'hello' })) // format 'text' sends strings as they are
      await sub.send(JSON.stringify({ type: 'subscribe', id: 1, channel: `chat:${key}` }))
      await vi.waitFor(() => expect(messages.some((m) => m.includes('"subscribed"'))).toBe(true))
      const accepted = (await stats()).ws.accepted
      await publish(`chat:${key}`, 'é'.repeat(300)) // 600 bytes of UTF-8 in a frame of ~700
      await publish(`chat:${key}`, 'small')
      await vi.waitFor(() => expect(messages.some((m) => m.includes('"small"'))).toBe(true))
      expect(messages.some((m) => m.includes('é'))).toBe(false)
      expect(errors).toMatchObject([{ code: 'payload_too_large', fatal: false }])
      expect(sub.state).toBe('open')
      expect((await stats()).ws.accepted).toBe(accepted) // no reconnect
    } finally {
      sub.close()
    }
  })

  it('createClient: an event over the bound is reported to its channel with its id and skipped; the socket stays', async () => {
    const channel = `chat:${unique()}`
    // The bound is never below 4 × the server's maxFrameBytes: 4 × 64 KiB here.
    const rt = createClient<{ chat: { receive: unknown; send: unknown } }>({
      url: baseUrl(),
      sendChannels: ['chat'],
      maxMessageBytes: 1000,
    })
    const events: unknown[] = []
    const errors: SwitchlineError[] = []
    const chat = rt.subscribe('chat', {
      key: channel.slice(5),
      onEvent: (data) => events.push(data),
      onError: (error) => errors.push(error),
    })
    try {
      await vi.waitFor(() => expect(chat.state).toBe('open'))
      const accepted = (await stats()).ws.accepted
      // A publish body within the server's 64 KiB whose event is not within the client's 4 × 64 KiB: the server
      // re-encodes every `1e20` as `100000000000000000000`.
      const body = `{"channel":"${channel}","data":[${Array(12_500).fill('1e20').join(',')}]}`
      const res = await fetch(`${baseUrl()}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
      const { eventId } = (await res.json()) as { eventId: string }
      await publish(channel, { after: true })
      await vi.waitFor(() => expect(events).toEqual([{ after: true }]))
      expect(errors).toMatchObject([{ code: 'payload_too_large', channel, message: expect.stringContaining(eventId) }])
      expect(chat.state).toBe('open')
      expect((await stats()).ws.accepted).toBe(accepted)
    } finally {
      rt.close()
    }
  })
})
