import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeOrigin } from '../../test/fakes/tabs'
import { createTabsClient } from './tabs-client'
import { isSeen, TabSubscription, type TabSubscriptionHost } from './tab-subscription'
import { toErrorShape } from './messages'
import { SwitchlineError } from '../core/errors'

type Schema = { chat: { receive: { text: string }; send: { text: string } } }
const URL_ = 'http://127.0.0.1:9/rt'

describe('createTabsClient (fake timers)', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('falls back to a per-tab createClient without Web Locks or BroadcastChannel', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const roles: string[] = []
    const rt = createTabsClient<Schema>({ url: URL_, onRole: (role) => void roles.push(role) })
    expect(rt.role).toBe('solo')
    expect(roles).toEqual(['solo'])
    rt.close()
    const noLocks = createTabsClient<Schema>({ url: URL_, tabs: { platform: { locks: undefined as never } } })
    expect(noLocks.role).toBe('solo') // Node 20 has no navigator.locks
    noLocks.close()
  })

  it('rejects bad options like createClient', () => {
    const tab = createFakeOrigin().tab()
    expect(() => createTabsClient({ url: URL_, ackTimeoutMs: -1, tabs: { platform: tab.platform } })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    )
    const rt = createTabsClient<Schema>({ url: URL_, tabs: { platform: tab.platform } })
    expect(() => rt.subscribe('chat', { key: 5 as never })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    )
    rt.close()
  })

  it('elects the first tab, hands over on close, and leaves no timer running', async () => {
    const origin = createFakeOrigin()
    const a = createTabsClient<Schema>({ url: URL_, tabs: { platform: origin.tab().platform } })
    const b = createTabsClient<Schema>({ url: URL_, tabs: { platform: origin.tab().platform } })
    await vi.advanceTimersByTimeAsync(0)
    expect([a.role, b.role]).toEqual(['leader', 'follower'])
    a.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(b.role).toBe('leader')
    b.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a send that gets no answer rejects with timeout at ackTimeoutMs; close rejects the rest with closed', async () => {
    const origin = createFakeOrigin()
    // The leader's publish never answers.
    const hang = (): Promise<Response> => new Promise(() => undefined)
    const leader = createTabsClient<Schema>({
      url: URL_,
      publishTimeoutMs: 0,
      platform: { fetch: hang },
      tabs: { platform: origin.tab().platform },
    })
    const follower = createTabsClient<Schema>({
      url: URL_,
      ackTimeoutMs: 1000,
      tabs: { platform: origin.tab().platform },
    })
    await vi.advanceTimersByTimeAsync(0)
    const chat = follower.subscribe('chat', { key: 'a', transport: 'sse' })
    const first = chat.send({ text: 'a' })
    const failed = expect(first).rejects.toMatchObject({ code: 'timeout' })
    await vi.advanceTimersByTimeAsync(1000)
    await failed
    const second = chat.send({ text: 'b' })
    const closed = expect(second).rejects.toMatchObject({ code: 'closed' })
    follower.close()
    await closed
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('TabSubscription', () => {
  const host = (): TabSubscriptionHost & { released: number } => ({
    released: 0,
    send: () => Promise.resolve({ eventId: 'e-1' }),
    release() {
      this.released++
    },
  })

  it('drops what it has seen: a replay after a change of leader is delivered once, in order', async () => {
    const seen: string[] = []
    const sub = new TabSubscription(
      'chat:a',
      { lastEventId: 'e-2', onEvent: (_d, meta) => void seen.push(meta.id!) },
      host(),
    )
    for (const id of ['e-1', 'e-2', 'e-3', 'e-4']) sub.deliver(id, {}, 'message', 'sse')
    sub.leaderLost() // still connecting: no change
    // the new leader replays from an older cursor
    for (const id of ['e-2', 'e-3', 'e-4', 'e-5']) sub.deliver(id, {}, 'message', 'sse')
    expect(seen).toEqual(['e-3', 'e-4', 'e-5'])
    expect(sub.lastEventId).toBe('e-5')
    expect(isSeen('x-9', 'e-5')).toBe(false) // another epoch: never seen
  })

  it('on(name) / off: named events the leader forwards reach their handlers once, after onEvent; close drops them', () => {
    const calls: string[] = []
    const sub = new TabSubscription(
      'chat:a',
      { onEvent: (_d, meta) => void calls.push(`onEvent ${meta.event}`) },
      host(),
    )
    const offTyping = sub.on('typing', (data, meta) => void calls.push(`typing ${String(data)} ${meta.id}`))
    sub.on('typing', () => {
      throw new Error('a broken handler')
    })
    const thrown: unknown[] = []
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) => {
      try {
        fn()
      } catch (error) {
        thrown.push(error)
      }
    })
    sub.on('message', () => void calls.push('message handler'))
    sub.deliver('e-1', 'ann', 'typing', 'sse')
    sub.deliver('e-1', 'ann', 'typing', 'sse') // seen: dropped
    sub.deliver('e-2', 'hi', 'message', 'websocket')
    offTyping()
    offTyping() // idempotent
    sub.deliver('e-3', 'bob', 'typing', 'sse')
    sub.off('message')
    sub.deliver('e-4', 'yo', 'message', 'sse')
    spy.mockRestore()
    expect(calls).toEqual([
      'onEvent typing',
      'typing ann e-1',
      'onEvent message',
      'message handler',
      'onEvent typing',
      'onEvent message',
    ])
    expect(thrown).toHaveLength(2) // the broken handler ran for e-1 and e-3 without stopping the others
    expect(() => sub.on('x', 'not a function' as never)).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    sub.close()
    sub.on('typing', () => void calls.push('after close'))
    sub.deliver('e-5', 'z', 'typing', 'sse')
    expect(calls.at(-1)).toBe('onEvent message')
  })

  it('follows the leader state, reports reconnecting on a change of leader, fails on a fatal close', async () => {
    const changes: string[] = []
    const h = host()
    const sub = new TabSubscription(
      'chat:a',
      { onState: ({ from, to, reason }) => void changes.push(`${from}>${to}${reason ? ` (${reason})` : ''}`) },
      h,
    )
    sub.applyState({ from: 'connecting', to: 'open' })
    await sub.ready()
    sub.leaderLost()
    sub.applyState({ from: 'connecting', to: 'open' })
    const error = new SwitchlineError('protocol', 'unknown channel', { fatal: true, protocolCode: 'unknown_channel' })
    sub.applyState({ from: 'open', to: 'closed', error: toErrorShape(error) })
    expect(changes).toEqual([
      'connecting>open',
      'open>reconnecting (leader tab changed)',
      'reconnecting>open',
      'open>closed',
    ])
    expect(h.released).toBe(1)
    await expect(sub.send({})).rejects.toMatchObject({ code: 'closed' })
  })

  it('an aborted signal closes it: ready() rejects with aborted, the iterator ends', async () => {
    const controller = new AbortController()
    const sub = new TabSubscription('chat:a', { signal: controller.signal }, host())
    const iterator = sub[Symbol.asyncIterator]()
    controller.abort()
    await expect(sub.ready()).rejects.toMatchObject({ code: 'aborted' })
    await expect(iterator.next()).rejects.toMatchObject({ code: 'aborted' })
    expect(sub.state).toBe('closed')
  })
})
