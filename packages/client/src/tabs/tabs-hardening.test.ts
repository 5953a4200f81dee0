import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeOrigin } from '../../test/fakes/tabs'
import { createTabsClient } from './tabs-client'
import { createLeader } from './leader'
import { SwitchlineError } from '../core/errors'
import type { TabMessage } from './messages'
import { TAB_PROTOCOL_VERSION } from './messages'

type Schema = { chat: { receive: { text: string }; send: { text: string } } }
const URL_ = 'http://127.0.0.1:9/rt'
const CHANNEL = `switchline-tabs/${TAB_PROTOCOL_VERSION}:g`
/** A fetch that never answers (the leader's connections and publishes hang). */
const hang = (): Promise<Response> => new Promise(() => undefined)

type Origin = ReturnType<typeof createFakeOrigin>
const tab = (origin: Origin, options: { ackTimeoutMs?: number; fetch?: (input: unknown) => Promise<Response> } = {}) =>
  createTabsClient<Schema>({
    url: URL_,
    publishTimeoutMs: 0,
    ...(options.ackTimeoutMs !== undefined ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
    platform: { fetch: options.fetch ?? hang },
    tabs: { name: 'g', platform: origin.tab().platform, settleMs: 10 },
  })
/** Another party on the tabs' channel, posting what it likes. */
const rogue = (origin: Origin) => {
  const Channel = origin.tab().platform.BroadcastChannel!
  const channel = new Channel(CHANNEL)
  const heard: unknown[] = []
  channel.onmessage = (event) => void heard.push(event.data)
  return { post: (message: unknown) => channel.postMessage(message), heard, close: () => channel.close() }
}
const fromOf = (origin: Origin, t: string) =>
  (origin.posted.find((m) => (m as { t: string }).t === t) as { from: string; mid?: string } | undefined)!

describe('tabs hardening (fake timers)', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('malformed messages are dropped: no throw out of onmessage, no state corrupted, later messages still work', async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    const follower = tab(origin)
    await vi.advanceTimersByTimeAsync(0)
    const states: string[] = []
    const errors: string[] = []
    const ids: unknown[] = []
    const chat = follower.subscribe('chat', {
      key: 'a',
      onState: ({ from, to }) => void states.push(`${from}>${to}`),
      onError: (error) => void errors.push(error.code),
      onEvent: (_data, meta) => void ids.push(meta.id),
    })
    await vi.advanceTimersByTimeAsync(20)
    const r = rogue(origin)
    for (const message of [
      { t: 'err', ch: 'chat:a' },
      { t: 'err', ch: 'chat:a', error: { code: 'no-such-code', message: 'x', fatal: true } },
      { t: 'state', ch: 'chat:a' },
      { t: 'state', ch: 'chat:a', change: { from: 'connecting', to: 'bogus' } },
      { t: 'tr', ch: 'chat:a' },
      { t: 'tr', ch: 'chat:a', change: { from: undefined, to: 'carrier-pigeon', reason: '' } },
      { t: 'ev', ch: 'chat:a', id: 5, data: {}, event: 'message', transport: 'sse' },
      { t: 'gap', ch: 'chat:a', gap: null },
      { t: 'snap', to: 'x', ch: 'chat:a', state: 'bogus' },
      { t: 42 },
      null,
      'hello',
    ])
      r.post(message)
    await vi.advanceTimersByTimeAsync(0)
    expect(chat.state).toBe('connecting')
    expect(states).toEqual([])
    expect(errors).toEqual([])
    // a well-formed message after them is handled
    r.post({ t: 'state', ch: 'chat:a', change: { from: 'connecting', to: 'open' } })
    r.post({ t: 'ev', ch: 'chat:a', id: 'e-1', data: { text: 'hi' }, event: 'message', transport: 'sse' })
    await vi.advanceTimersByTimeAsync(0)
    expect(states).toEqual(['connecting>open'])
    expect(ids).toEqual(['e-1'])
    r.close()
    follower.close()
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a bad 'sub' in the leader's settle window neither throws nor stops the other channels from opening", async () => {
    const origin = createFakeOrigin()
    const urls: string[] = []
    const fetch = (input: unknown): Promise<Response> => {
      urls.push(String(input))
      return hang()
    }
    const r = rogue(origin)
    const leader = tab(origin, { fetch })
    await vi.advanceTimersByTimeAsync(0)
    expect(leader.role).toBe('leader')
    r.post({ t: 'sub', from: 'x', ch: 42 })
    r.post({ t: 'sub', from: 'x', ch: 'chat:b', transport: 'carrier-pigeon' })
    const chat = leader.subscribe('chat', { key: 'a', transport: 'sse' })
    await vi.advanceTimersByTimeAsync(50)
    expect(urls.some((url) => url.includes('chat'))).toBe(true) // the good channel connects
    expect(urls.some((url) => url.includes('chat%3Ab') || url.includes('chat:b'))).toBe(false)
    expect(chat.state).not.toBe('closed')
    r.close()
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a malformed 'nack' does not lose the send: it still settles (here at ackTimeoutMs)", async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    const follower = tab(origin, { ackTimeoutMs: 1000 })
    await vi.advanceTimersByTimeAsync(0)
    const chat = follower.subscribe('chat', { key: 'a', transport: 'sse' })
    const sent = chat.send({ text: 'a' })
    const settled = expect(sent).rejects.toMatchObject({ code: 'timeout' })
    await vi.advanceTimersByTimeAsync(0)
    const { from, mid } = fromOf(origin, 'send')
    const r = rogue(origin)
    r.post({ t: 'nack', to: from, mid })
    r.post({ t: 'nack', to: from, mid, error: { code: 'protocol' } })
    r.post({ t: 'ack', to: from, mid, eventId: 7 })
    await vi.advanceTimersByTimeAsync(1000)
    await settled
    r.close()
    follower.close()
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it("a 'hello' is answered to its sender only: the followers do not flap open>reconnecting>open", async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    const follower = tab(origin)
    await vi.advanceTimersByTimeAsync(0)
    const states: string[] = []
    follower.subscribe('chat', { key: 'a', onState: ({ from, to }) => void states.push(`${from}>${to}`) })
    await vi.advanceTimersByTimeAsync(20)
    const r = rogue(origin)
    r.post({ t: 'state', ch: 'chat:a', change: { from: 'connecting', to: 'open' } })
    await vi.advanceTimersByTimeAsync(0)
    const subs = origin.posted.filter((m) => (m as { t: string }).t === 'sub').length
    for (let i = 0; i < 3; i++) r.post({ t: 'hello', from: `new-tab-${i}` })
    await vi.advanceTimersByTimeAsync(20)
    expect(states).toEqual(['connecting>open'])
    expect(origin.posted.filter((m) => (m as { t: string }).t === 'sub')).toHaveLength(subs) // nothing re-sent
    const leaderId = fromOf(origin, 'leader').from
    expect(r.heard.filter((m) => (m as { t: string }).t === 'leader')).toEqual([
      { t: 'leader', from: leaderId, to: 'new-tab-0' },
      { t: 'leader', from: leaderId, to: 'new-tab-1' },
      { t: 'leader', from: leaderId, to: 'new-tab-2' },
    ])
    r.close()
    follower.close()
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
  })

  it('a tab of another protocol version (another channel name) is not heard', async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    await vi.advanceTimersByTimeAsync(0)
    const Channel = origin.tab().platform.BroadcastChannel!
    const old = new Channel('switchline-tabs:g')
    const heard: unknown[] = []
    old.onmessage = (event) => void heard.push(event.data)
    old.postMessage({ t: 'hello', from: 'old-tab' })
    await vi.advanceTimersByTimeAsync(20)
    expect(heard).toEqual([])
    old.close()
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
  })

  it('a send of data that cannot be structured-cloned rejects with invalid_options and leaves no timer or entry', async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    const follower = tab(origin, { ackTimeoutMs: 1000 })
    await vi.advanceTimersByTimeAsync(0)
    const chat = follower.subscribe('chat', { key: 'a', transport: 'sse' })
    await vi.advanceTimersByTimeAsync(20)
    const timers = vi.getTimerCount()
    await expect(chat.send({ text: 'a', fn: () => 1 } as never)).rejects.toMatchObject({
      code: 'invalid_options',
      channel: 'chat:a',
    })
    expect(vi.getTimerCount()).toBe(timers)
    // a later change of leader re-sends only what is pending: nothing throws, the channel is announced again
    const subs = origin.posted.filter((m) => (m as { t: string }).t === 'sub').length
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(follower.role).toBe('leader')
    expect(origin.posted.filter((m) => (m as { t: string }).t === 'send')).toHaveLength(1) // the failed post only
    expect(subs).toBeGreaterThan(0)
    follower.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a pending send that cannot be posted to a new leader fails alone; the channels are still announced', async () => {
    const origin = createFakeOrigin()
    const page = new EventTarget()
    const a = createTabsClient<Schema>({
      url: URL_,
      publishTimeoutMs: 0,
      platform: { fetch: hang },
      tabs: { name: 'g', platform: { ...origin.tab().platform, lifecycle: page as never }, settleMs: 10 },
    })
    const b = tab(origin)
    await vi.advanceTimersByTimeAsync(0)
    expect(a.role).toBe('leader')
    const chat = a.subscribe('chat', { key: 'a', transport: 'sse' })
    // leading, its own engine takes the send without a structured clone; it stays pending (publish hangs)
    const sent = chat.send({ text: 'a', fn: () => 1 } as never)
    const failed = expect(sent).rejects.toMatchObject({ code: 'invalid_options', channel: 'chat:a' })
    await vi.advanceTimersByTimeAsync(20)
    page.dispatchEvent(new Event('freeze')) // hands over to b: a re-sends its channels and sends to b
    await vi.advanceTimersByTimeAsync(0)
    expect(b.role).toBe('leader')
    await failed
    const subs = origin.posted.filter((m) => (m as { t: string; ch?: string }).t === 'sub')
    expect(subs.length).toBeGreaterThan(0)
    a.close()
    b.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a channel the leader client refuses fails alone: its tabs get a fatal close, the other channels open', () => {
    const opened: string[] = []
    const client = {
      subscribe(name: string) {
        if (name === 'bad') throw new SwitchlineError('invalid_options', 'bad channel')
        opened.push(name)
        return { close() {} }
      },
      close() {},
      reprobeAt: undefined,
    }
    const emitted: TabMessage[] = []
    const leader = createLeader(
      () => client as never,
      { publish: () => new Promise(() => undefined) } as never,
      (message) => void emitted.push(message),
    )
    leader.handle({ t: 'sub', from: 't1', ch: 'bad' })
    leader.handle({ t: 'sub', from: 't1', ch: 'good' })
    expect(() => leader.start()).not.toThrow()
    expect(opened).toEqual(['good'])
    expect(emitted).toEqual([
      {
        t: 'state',
        ch: 'bad',
        change: {
          from: 'connecting',
          to: 'closed',
          error: { code: 'invalid_options', message: 'bad channel', fatal: true },
        },
      },
    ])
    emitted.length = 0
    leader.handle({ t: 'sub', from: 't2', ch: 'bad' }) // after start: the same, and no snap
    leader.handle({ t: 'sub', from: 't2', ch: 'other' })
    expect(emitted.map((m) => `${m.t} ${'ch' in m ? m.ch : ''}`)).toEqual(['state bad', 'snap other'])
    expect(opened).toEqual(['good', 'other'])
    leader.close()
  })
})
