import { describe, expect, it, vi } from 'vitest'
import { TabSubscription, type TabSubscriptionHost } from './tab-subscription'

describe('TabSubscription: app callbacks that throw', () => {
  const host = (): TabSubscriptionHost & { released: number } => ({
    released: 0,
    send: () => Promise.resolve({ eventId: 'e-1' }),
    release() {
      this.released++
    },
  })
  /** Runs `fn` with queueMicrotask collecting what the callbacks rethrow. */
  const collecting = (fn: () => void): unknown[] => {
    const thrown: unknown[] = []
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      try {
        task()
      } catch (error) {
        thrown.push(error)
      }
    })
    try {
      fn()
    } finally {
      spy.mockRestore()
    }
    return thrown
  }
  const boom = (): never => {
    throw new Error('app bug')
  }

  it('a throwing onEvent, onGap, onError or onTransport does not throw out of delivery; the iterator still gets the event', async () => {
    const sub = new TabSubscription(
      'chat:a',
      { onEvent: boom, onGap: boom, onError: boom, onTransport: boom, onState: boom },
      host(),
    )
    const other: unknown[] = []
    const second = new TabSubscription('chat:a', { onEvent: (data) => void other.push(data) }, host())
    const iterator = sub[Symbol.asyncIterator]()
    const thrown = collecting(() => {
      for (const s of [sub, second]) {
        s.applyState({ from: 'connecting', to: 'open' })
        s.applyTransport({ from: undefined, to: 'sse', reason: 'x' })
        s.deliver('e-1', 'hi', 'message', 'sse')
        s.gap({ channel: 'chat:a', from: 'e-0', to: 'e-1', reason: 'expired' } as never)
        s.error({ code: 'decode', message: 'x', fatal: false })
      }
    })
    expect(thrown).toHaveLength(5)
    expect(other).toEqual(['hi']) // the next subscription of the channel got it
    await expect(iterator.next()).resolves.toEqual({ value: 'hi', done: false })
    await expect(sub.ready()).resolves.toBeUndefined()
  })

  it('a throwing onState (or onError) during close: close() returns, ready() rejects, the iterator ends, it is released', async () => {
    const h = host()
    const sub = new TabSubscription('chat:a', { onState: boom, onError: boom }, h)
    const iterator = sub[Symbol.asyncIterator]()
    const thrown = collecting(() => sub.close())
    expect(thrown).toHaveLength(1)
    expect(h.released).toBe(1)
    await expect(sub.ready()).rejects.toMatchObject({ code: 'closed' })
    await expect(iterator.next()).resolves.toMatchObject({ done: true })
    const failed = new TabSubscription('chat:b', { onState: boom, onError: boom }, h)
    const failedReady = failed.ready()
    const thrown2 = collecting(() =>
      failed.applyState({
        from: 'open',
        to: 'closed',
        error: { code: 'protocol', message: 'unknown channel', fatal: true },
      }),
    )
    expect(thrown2).toHaveLength(2)
    expect(h.released).toBe(2)
    await expect(failedReady).rejects.toMatchObject({ code: 'protocol' })
  })
})
