import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createClient,
  subscribe,
  SwitchlineError,
  type ConnectionState,
  type EventMeta,
  type Subscription,
} from '@switchline/client'
import { createStreamStore, type OpenHandlers, type StreamStoreOptions } from './stream-store'

/** A subscription double: records what the store does with it and lets a test play the server. */
interface FakeSub {
  handlers: OpenHandlers<number>
  lastEventId: string | undefined
  closed: boolean
  sent: unknown[]
  event(data: number, id: string): void
  state(to: ConnectionState, error?: SwitchlineError): void
}

function fakeOpener() {
  const subs: FakeSub[] = []
  const open = (handlers: OpenHandlers<number>, lastEventId: string | undefined): Subscription<number, string> => {
    let state: ConnectionState = 'connecting'
    const fake: FakeSub = {
      handlers,
      lastEventId,
      closed: false,
      sent: [],
      event: (data, id) => handlers.onEvent(data, { id, channel: 'n', event: 'message', transport: 'sse' }),
      state(to, error) {
        const from = state
        state = to
        handlers.onState({ from, to, ...(error ? { error } : {}) })
      },
    }
    subs.push(fake)
    return {
      get state() {
        return state
      },
      lastEventId: undefined,
      transport: 'sse',
      transportReason: 'receive-only → SSE',
      ready: async () => {},
      on: () => () => {},
      off: () => {},
      close() {
        if (fake.closed) return
        fake.closed = true
        fake.state('closed')
      },
      send: async (data: string) => {
        fake.sent.push(data)
        return { eventId: 'e-1' }
      },
      [Symbol.asyncIterator]: () => {
        throw new Error('not used')
      },
    }
  }
  return { subs, open }
}

/** A scheduler the test runs by hand: the grace between a store's last listener leaving and its close. */
function manualSchedule() {
  const queue: Array<() => void> = []
  return {
    schedule: (fn: () => void) => void queue.push(fn),
    run: () => queue.splice(0).forEach((fn) => fn()),
    get pending() {
      return queue.length
    },
  }
}

function storeWith(overrides: Partial<StreamStoreOptions<number, number[], string>> = {}) {
  const opener = fakeOpener()
  const ticks = manualSchedule()
  const onEvent = vi.fn<(data: number, meta: EventMeta) => void>()
  const store = createStreamStore<number, number[], string>({
    open: opener.open,
    initial: [],
    reduce: () => (list, n) => [...list, n],
    callbacks: () => ({ onEvent }),
    schedule: ticks.schedule,
    ...overrides,
  })
  return { store, opener, ticks, onEvent }
}

describe('createStreamStore', () => {
  it('opens nothing until the first listener; the server snapshot is the initial one, stable', () => {
    const { store, opener } = storeWith()
    expect(opener.subs).toHaveLength(0)
    expect(store.getServerSnapshot()).toBe(store.getSnapshot())
    expect(store.getServerSnapshot()).toEqual({
      data: [],
      state: 'connecting',
      transport: undefined,
      transportReason: undefined,
      lastEventId: undefined,
      error: undefined,
    })
    const stop = store.subscribe(() => {})
    expect(opener.subs).toHaveLength(1)
    expect(store.open).toBe(true)
    expect(store.getSnapshot()).toMatchObject({
      state: 'connecting',
      transport: 'sse',
      transportReason: 'receive-only → SSE',
    })
    expect(store.getServerSnapshot().transport).toBeUndefined()
    stop()
  })

  it('StrictMode: subscribe, unsubscribe, subscribe before the scheduled close keeps the one subscription', () => {
    const { store, opener, ticks } = storeWith()
    const stopFirst = store.subscribe(() => {})
    stopFirst() // StrictMode's simulated unmount
    const stop = store.subscribe(() => {}) // and its remount, in the same task
    ticks.run()
    expect(opener.subs).toHaveLength(1)
    expect(opener.subs[0]?.closed).toBe(false)
    stop() // the real unmount
    expect(opener.subs[0]?.closed).toBe(false) // not yet: a grace of one scheduled tick
    ticks.run()
    expect(opener.subs[0]?.closed).toBe(true)
    expect(store.open).toBe(false)
  })

  it('a second listener shares the subscription; only the last one leaving closes it', () => {
    const { store, opener, ticks } = storeWith()
    const a = store.subscribe(() => {})
    const b = store.subscribe(() => {})
    a()
    expect(ticks.pending).toBe(0)
    b()
    ticks.run()
    expect(opener.subs).toHaveLength(1)
    expect(opener.subs[0]?.closed).toBe(true)
  })

  it('folds events with the latest reducer, tracks the last id, and calls the latest onEvent after the update', () => {
    let reducer = (list: number[], n: number): number[] => [...list, n]
    const seen: number[][] = []
    const { store, opener, onEvent } = storeWith({ reduce: () => reducer })
    onEvent.mockImplementation(() => void seen.push(store.getSnapshot().data))
    let notified = 0
    store.subscribe(() => void (notified += 1))
    notified = 0 // the subscribe itself notified once: the transport became known
    const sub = opener.subs[0] as FakeSub
    sub.event(1, 'e-1')
    sub.event(2, 'e-2')
    reducer = (list, n) => [...list, n * 10]
    sub.event(3, 'e-3')
    expect(store.getSnapshot()).toMatchObject({ data: [1, 2, 30], lastEventId: 'e-3' })
    expect(seen).toEqual([[1], [1, 2], [1, 2, 30]])
    expect(notified).toBe(3)
  })

  it('a reduce that throws keeps the data, shows a decode error with the cause, calls onError then onEvent; the stream goes on', () => {
    const bug = new TypeError('reduce bug')
    const calls: string[] = []
    const onError = vi.fn((error: SwitchlineError) => void calls.push(`error ${error.code}`))
    const onEvent = vi.fn((n: number) => void calls.push(`event ${n}`))
    const { store, opener } = storeWith({
      reduce: () => (list, n) => {
        if (n === 2) throw bug
        return [...list, n]
      },
      callbacks: () => ({ onEvent, onError }),
    })
    store.subscribe(() => {})
    const sub = opener.subs[0] as FakeSub
    sub.state('open')
    sub.event(1, 'e-1')
    expect(() => sub.event(2, 'e-2')).not.toThrow()
    const { data, lastEventId, error, state } = store.getSnapshot()
    expect({ data, lastEventId, state }).toEqual({ data: [1], lastEventId: 'e-2', state: 'open' })
    expect(error).toBeInstanceOf(SwitchlineError)
    expect(error).toMatchObject({ code: 'decode', fatal: false, cause: bug })
    expect(error?.message).toBe('reduce threw: TypeError: reduce bug')
    expect(onError).toHaveBeenCalledWith(error)
    sub.event(3, 'e-3')
    expect(store.getSnapshot()).toMatchObject({ data: [1, 3], lastEventId: 'e-3' })
    expect(calls).toEqual(['event 1', 'error decode', 'event 2', 'event 3'])
    expect(sub.closed).toBe(false)
  })

  it('a reduce that throws a non-Error, without an onError, still leaves the data and names what was thrown', () => {
    const { store, opener, onEvent } = storeWith({
      reduce: () => () => {
        throw 'nope'
      },
    })
    store.subscribe(() => {})
    ;(opener.subs[0] as FakeSub).event(1, 'e-1')
    expect(store.getSnapshot()).toMatchObject({ data: [], lastEventId: 'e-1' })
    expect(store.getSnapshot().error).toMatchObject({ code: 'decode', cause: 'nope' })
    expect(onEvent).toHaveBeenCalledTimes(1)
  })

  it('a snapshot object changes only when a field does', () => {
    const { store, opener } = storeWith()
    let notified = 0
    store.subscribe(() => void (notified += 1))
    notified = 0
    const before = store.getSnapshot()
    ;(opener.subs[0] as FakeSub).handlers.onState({ from: 'connecting', to: 'connecting' })
    expect(store.getSnapshot()).toBe(before)
    expect(notified).toBe(0)
  })

  it('an error stays until the stream is open again; a fatal one stays with closed', () => {
    const { store, opener } = storeWith()
    store.subscribe(() => {})
    const sub = opener.subs[0] as FakeSub
    const drop = new SwitchlineError('network', 'dropped')
    sub.state('open')
    sub.handlers.onError(drop)
    sub.state('reconnecting', drop)
    expect(store.getSnapshot()).toMatchObject({ state: 'reconnecting', error: drop })
    sub.state('connecting')
    expect(store.getSnapshot().error).toBe(drop)
    sub.state('open')
    expect(store.getSnapshot()).toMatchObject({ state: 'open', error: undefined })
    const fatal = new SwitchlineError('http_status', 'gone', { status: 404, fatal: true })
    sub.state('closed', fatal)
    expect(store.getSnapshot()).toMatchObject({ state: 'closed', error: fatal })
  })

  it('after its close, the dropped subscription’s callbacks change nothing', () => {
    const { store, opener, ticks, onEvent } = storeWith()
    let notified = 0
    store.subscribe(() => void (notified += 1))()
    ticks.run()
    const sub = opener.subs[0] as FakeSub
    const after = store.getSnapshot()
    const count = notified
    sub.event(9, 'e-9')
    sub.handlers.onState({ from: 'open', to: 'reconnecting' })
    sub.handlers.onError(new SwitchlineError('network', 'late'))
    expect(store.getSnapshot()).toBe(after)
    expect(notified).toBe(count)
    expect(onEvent).not.toHaveBeenCalled()
  })

  it('mounted again after a close, it reopens from the last event id and keeps folding', () => {
    const { store, opener, ticks } = storeWith()
    store.subscribe(() => {})()
    ;(opener.subs[0] as FakeSub).event(1, 'e-1')
    ticks.run()
    store.subscribe(() => {})
    expect(opener.subs).toHaveLength(2)
    expect(opener.subs[1]?.lastEventId).toBe('e-1')
    ;(opener.subs[1] as FakeSub).event(2, 'e-2')
    expect(store.getSnapshot().data).toEqual([1, 2])
  })

  it('send goes through the open subscription and rejects with closed when there is none', async () => {
    const { store, opener, ticks } = storeWith()
    await expect(store.send('early')).rejects.toMatchObject({ code: 'closed' })
    const stop = store.subscribe(() => {})
    await expect(store.send('hi')).resolves.toEqual({ eventId: 'e-1' })
    expect(opener.subs[0]?.sent).toEqual(['hi'])
    stop()
    ticks.run()
    await expect(store.send('late')).rejects.toBeInstanceOf(SwitchlineError)
  })

  it('enabled: false never opens and shows closed', () => {
    const { store, opener } = storeWith({ enabled: false })
    store.subscribe(() => {})
    expect(opener.subs).toHaveLength(0)
    expect(store.getSnapshot()).toMatchObject({ state: 'closed', data: [], error: undefined })
  })

  it('an open that throws shows closed with the error (a SwitchlineError, fatal) and reports it', () => {
    const onError = vi.fn()
    const store = createStreamStore<number, undefined>({
      open: () => {
        throw new TypeError('boom')
      },
      initial: undefined,
      reduce: () => () => undefined,
      callbacks: () => ({ onError }),
    })
    store.subscribe(() => {})
    const { state, error } = store.getSnapshot()
    expect(state).toBe('closed')
    expect(error).toMatchObject({ code: 'invalid_options', fatal: true, cause: expect.any(TypeError) })
    expect(onError).toHaveBeenCalledWith(error)
  })

  it('the default grace is one microtask', async () => {
    const opener = fakeOpener()
    const store = createStreamStore<number, undefined, string>({
      open: opener.open,
      initial: undefined,
      reduce: () => () => undefined,
      callbacks: () => ({}),
    })
    store.subscribe(() => {})()
    expect(opener.subs[0]?.closed).toBe(false)
    await Promise.resolve()
    expect(opener.subs[0]?.closed).toBe(true)
  })
})

describe('createStreamStore over the real client, on fake timers', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A fetch that fails every connect at once: the subscription waits in `reconnecting` on a backoff timer. */
  function refusingFetch() {
    const calls: string[] = []
    const fetch = async (input: RequestInfo | URL): Promise<Response> => {
      calls.push(String(input))
      throw new TypeError('connection refused')
    }
    return { calls, fetch }
  }

  it('raw subscribe: closing while a reconnect waits leaves no timer, no attempt and no update', async () => {
    vi.useFakeTimers()
    const net = refusingFetch()
    const store = createStreamStore<unknown, unknown>({
      open: (handlers) => subscribe('http://127.0.0.1:9/stream', { ...handlers, platform: { fetch: net.fetch } }),
      initial: undefined,
      reduce: () => (_d, e) => e,
      callbacks: () => ({}),
    })
    let notified = 0
    const stop = store.subscribe(() => void (notified += 1))
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getSnapshot()).toMatchObject({ state: 'reconnecting', error: { code: 'network' } })
    expect(vi.getTimerCount()).toBeGreaterThan(0)
    expect(net.calls).toHaveLength(1)

    stop()
    await vi.advanceTimersByTimeAsync(0) // the grace microtask
    expect(vi.getTimerCount()).toBe(0)
    const count = notified
    const last = store.getSnapshot()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls).toHaveLength(1)
    expect(notified).toBe(count)
    expect(store.getSnapshot()).toBe(last)
  })

  it('createClient: the same, and a remount within the grace reuses the subscription', async () => {
    vi.useFakeTimers()
    const net = refusingFetch()
    const client = createClient<{ ticker: { receive: number } }>({
      url: 'http://127.0.0.1:9/rt',
      platform: { fetch: net.fetch },
    })
    const store = createStreamStore<number, number | undefined>({
      open: (handlers) => client.subscribe('ticker', handlers),
      initial: undefined,
      reduce: () => (_d, e) => e,
      callbacks: () => ({}),
    })
    store.subscribe(() => {})()
    const stop = store.subscribe(() => {}) // StrictMode's remount
    await vi.advanceTimersByTimeAsync(0)
    expect(store.getSnapshot().state).toBe('reconnecting')
    expect(net.calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls.length).toBeGreaterThan(1) // it kept retrying, on the one subscription

    stop()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
    const attempts = net.calls.length
    await vi.advanceTimersByTimeAsync(60_000)
    expect(net.calls).toHaveLength(attempts)
    client.close()
  })
})
