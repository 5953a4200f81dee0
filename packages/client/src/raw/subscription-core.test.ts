import { afterEach, describe, expect, it, vi } from 'vitest'
import { deferred, flushMicrotasks } from '../../test/support/async'
import { SwitchlineError } from '../core/errors'
import type { StandardSchemaV1 } from '../core/standard-schema'
import { createSubscriptionCore } from './subscription-core'
import type { BaseSubscriptionOptions, EventMeta, StateChange } from '../types'

const meta = (id?: string): EventMeta => ({ id, channel: undefined, event: 'message', transport: 'sse' })

/** A Standard Schema that accepts numbers, sync or async per value (async ones wait for `gates`). */
function numberSchema(gates: Map<unknown, Promise<void>> = new Map()): StandardSchemaV1<unknown, number> {
  const check = (value: unknown) =>
    typeof value === 'number' ? { value } : { issues: [{ message: `not a number: ${String(value)}` }] }
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value: unknown) => {
        const gate = gates.get(value)
        return gate ? gate.then(() => check(value)) : check(value)
      },
    },
  } as StandardSchemaV1<unknown, number>
}

function setup<T = unknown>(options: BaseSubscriptionOptions<T> = {}) {
  const events: unknown[] = []
  const states: StateChange[] = []
  const errors: SwitchlineError[] = []
  const onClose = vi.fn()
  const { sink, subscription } = createSubscriptionCore<T>(
    {
      onEvent: (data) => events.push(data),
      onState: (change) => states.push(change),
      onError: (error) => errors.push(error),
      ...options,
    },
    { onClose },
  )
  return { sink, subscription, events, states, errors, onClose }
}

describe('createSubscriptionCore', () => {
  afterEach(() => vi.restoreAllMocks())

  it('emits state changes once, as { from, to }', () => {
    const { sink, subscription, states } = setup()
    expect(subscription.state).toBe('connecting')
    sink.setState({ to: 'connecting' })
    sink.setState({ to: 'open' })
    sink.setState({ to: 'open' })
    sink.setState({ to: 'reconnecting', attempt: 1, delayMs: 20 })
    expect(states).toEqual([
      { from: 'connecting', to: 'open' },
      { from: 'open', to: 'reconnecting', attempt: 1, delayMs: 20 },
    ])
  })

  it('tracks lastEventId and transport', () => {
    const { sink, subscription } = setup({ lastEventId: 'start' })
    expect(subscription.lastEventId).toBe('start')
    sink.deliver(1, meta('a'))
    sink.deliver(2, meta())
    expect(subscription.lastEventId).toBe('a')
    sink.setTransport('sse', 'http(s) URL → SSE')
    expect([subscription.transport, subscription.transportReason]).toEqual(['sse', 'http(s) URL → SSE'])
  })

  it('cursor() moves lastEventId without delivering, in order behind a pending validation', async () => {
    const { sink, subscription } = setup({ lastEventId: 'start' })
    sink.cursor('x')
    expect(subscription.lastEventId).toBe('x')
    sink.cursor(undefined) // an empty `id:` resets it
    expect(subscription.lastEventId).toBeUndefined()

    const gate = deferred<void>()
    const validated = setup<number>({ schema: numberSchema(new Map([[1, gate.promise]])) })
    validated.sink.deliver(1, meta('1'))
    validated.sink.cursor('2')
    expect(validated.subscription.lastEventId).toBeUndefined() // waits behind event 1
    gate.resolve()
    await flushMicrotasks(20)
    expect(validated.subscription.lastEventId).toBe('2')
  })

  it('onTransport: once per change of transport or reason, members updated at the same moment, in order with events', async () => {
    const gate = deferred<void>()
    const seen: string[] = []
    let subscription!: ReturnType<typeof setup>['subscription']
    const made = setup<number>({
      schema: numberSchema(new Map([[2, gate.promise]])),
      onEvent: (n) => seen.push(`event ${n} on ${subscription.transport}`),
      onTransport: (change) =>
        seen.push(
          `${change.from}→${change.to} (${change.reason}) ${change.reprobeAt ?? ''} = ${subscription.transport}/${subscription.transportReason}`,
        ),
    })
    subscription = made.subscription
    const { sink } = made
    sink.setTransport('websocket', 'sends → WebSocket')
    sink.setTransport('websocket', 'sends → WebSocket') // no change: not reported
    sink.deliver(1, meta('a'))
    sink.deliver(2, meta('b')) // async: what follows waits for it
    sink.setTransport('sse', 'WebSocket blocked → SSE + POST', 1234)
    expect(subscription.transport).toBe('websocket') // not yet: event 2 is still being validated
    gate.resolve()
    await flushMicrotasks()
    sink.setTransport('sse', 'forced SSE') // a new reason is a change too
    expect(seen).toEqual([
      'undefined→websocket (sends → WebSocket)  = websocket/sends → WebSocket',
      'event 1 on websocket',
      'event 2 on websocket',
      'websocket→sse (WebSocket blocked → SSE + POST) 1234 = sse/WebSocket blocked → SSE + POST',
      'sse→sse (forced SSE)  = sse/forced SSE',
    ])
    subscription.close()
    sink.setTransport('websocket', 'late')
    expect(seen).toHaveLength(5)
  })

  it('keeps order with async validation, and reports invalid payloads without stopping', async () => {
    const gate = deferred<void>()
    const { sink, events, errors, states, subscription } = setup<number>({
      schema: numberSchema(new Map([[2, gate.promise]])),
    })
    sink.deliver(1, meta('1'))
    sink.deliver(2, meta('2')) // async: holds what follows
    sink.deliver('x', meta('3'))
    sink.gap({ channel: 'c', from: null, to: null, reason: 'epoch' })
    sink.deliver(4, meta('4'))
    sink.setState({ to: 'open' })
    expect(events).toEqual([1])
    expect(states).toEqual([])
    gate.resolve()
    await flushMicrotasks(20)
    expect(events).toEqual([1, 2, 4])
    expect(errors.map((e) => e.code)).toEqual(['validation'])
    expect(states).toEqual([{ from: 'connecting', to: 'open' }])
    expect(subscription.lastEventId).toBe('4')
  })

  it('a throwing callback does not break delivery; the error is rethrown from a microtask', () => {
    const thrown: unknown[] = []
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) => {
      try {
        fn()
      } catch (error) {
        thrown.push(error)
      }
    })
    const seen: unknown[] = []
    const { sink } = setup({
      onEvent: (data) => {
        seen.push(data)
        if (data === 1) throw new Error('app bug')
      },
    })
    sink.deliver(1, meta())
    sink.deliver(2, meta())
    expect(seen).toEqual([1, 2])
    expect(thrown).toEqual([new Error('app bug')])
  })

  it('iterates in order; break closes the subscription once', async () => {
    const { sink, subscription, onClose, states } = setup()
    const got: unknown[] = []
    sink.deliver('a', meta())
    const loop = (async () => {
      for await (const value of subscription) {
        got.push(value)
        if (value === 'c') break
      }
    })()
    sink.deliver('b', meta())
    sink.deliver('c', meta())
    sink.deliver('d', meta())
    await loop
    expect(got).toEqual(['b', 'c']) // events before the iterator existed are not buffered
    expect(onClose).toHaveBeenCalledOnce()
    expect(subscription.state).toBe('closed')
    expect(states.at(-1)).toMatchObject({ to: 'closed', reason: 'iterator returned' })
    expect(() => subscription[Symbol.asyncIterator]()).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })

  it('a final state from the owner drains the iterator, then ends or throws', async () => {
    const ended = setup()
    const it1 = ended.subscription[Symbol.asyncIterator]()
    ended.sink.deliver(1, meta())
    ended.sink.setState({ to: 'closed', reason: 'done' })
    expect(await it1.next()).toEqual({ done: false, value: 1 })
    expect(await it1.next()).toEqual({ done: true, value: undefined })
    expect(ended.onClose).not.toHaveBeenCalled()

    const failed = setup()
    const it2 = failed.subscription[Symbol.asyncIterator]()
    const error = new SwitchlineError('http_status', '204', { fatal: true })
    failed.sink.deliver(1, meta())
    failed.sink.setState({ to: 'closed', error })
    expect(failed.errors).toEqual([error])
    expect(await it2.next()).toEqual({ done: false, value: 1 })
    await expect(it2.next()).rejects.toBe(error)
  })

  it('close() is idempotent, drops what the iterator buffered and ignores later input', async () => {
    const { sink, subscription, onClose, states, events } = setup()
    const iterator = subscription[Symbol.asyncIterator]()
    sink.deliver(1, meta())
    subscription.close()
    subscription.close()
    sink.deliver(2, meta())
    sink.setState({ to: 'open' })
    expect(onClose).toHaveBeenCalledOnce()
    expect(states).toEqual([{ from: 'connecting', to: 'closed', reason: 'closed' }])
    expect(events).toEqual([1])
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(sink.closed).toBe(true)
  })

  it('overflow policies: error closes with buffer_overflow after draining; drop-* report through onError', async () => {
    const strict = setup({ buffer: { maxSize: 2 } })
    const it1 = strict.subscription[Symbol.asyncIterator]()
    for (const n of [1, 2, 3]) strict.sink.deliver(n, meta())
    expect(strict.subscription.state).toBe('closed')
    expect(strict.onClose).toHaveBeenCalledOnce()
    expect(strict.errors.map((e) => e.code)).toEqual(['buffer_overflow'])
    expect((await it1.next()).value).toBe(1)
    expect((await it1.next()).value).toBe(2)
    await expect(it1.next()).rejects.toMatchObject({ code: 'buffer_overflow' })

    const lossy = setup({ buffer: { maxSize: 2, overflow: 'drop-oldest' } })
    const it2 = lossy.subscription[Symbol.asyncIterator]()
    for (const n of [1, 2, 3]) lossy.sink.deliver(n, meta())
    expect(lossy.errors.map((e) => e.code)).toEqual(['buffer_overflow'])
    expect(lossy.subscription.state).toBe('connecting')
    expect((await it2.next()).value).toBe(2)
  })

  it('an AbortSignal closes (reason aborted, no error) and its listener is removed', () => {
    const controller = new AbortController()
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    const { subscription, onClose, states, errors } = setup({ signal: controller.signal })
    controller.abort()
    expect(subscription.state).toBe('closed')
    expect(onClose).toHaveBeenCalledOnce()
    expect(states).toEqual([{ from: 'connecting', to: 'closed', reason: 'aborted' }])
    expect(errors).toEqual([])
    expect(remove).toHaveBeenCalled()

    const other = new AbortController()
    const addOther = vi.spyOn(other.signal, 'addEventListener')
    const removeOther = vi.spyOn(other.signal, 'removeEventListener')
    setup({ signal: other.signal }).subscription.close()
    expect(removeOther).toHaveBeenCalledWith('abort', addOther.mock.calls[0]?.[1])
  })

  it('an already-aborted signal closes at once', async () => {
    const { subscription, onClose } = setup({ signal: AbortSignal.abort() })
    expect(subscription.state).toBe('closed')
    expect(onClose).toHaveBeenCalledOnce()
    // The iterator throws `aborted` (as Node's events.on() does), so a for-await can tell it from a normal end.
    await expect(subscription[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'aborted' })
    await expect(subscription.ready()).rejects.toMatchObject({ code: 'aborted' })
  })

  it('send goes to the owner until closed, then rejects with closed', async () => {
    const send = vi.fn(async () => ({ eventId: 'e1' }))
    const { subscription } = createSubscriptionCore<unknown, string>({}, { onClose() {}, send })
    await expect(subscription.send('hi')).resolves.toEqual({ eventId: 'e1' })
    subscription.close()
    await expect(subscription.send('again')).rejects.toMatchObject({ code: 'closed' })
    expect(send).toHaveBeenCalledOnce()
  })

  it('close, send and the iterator keep working when destructured or passed as callbacks', async () => {
    const send = vi.fn(async () => ({ eventId: 'e1' }))
    const onClose = vi.fn()
    const { sink, subscription } = createSubscriptionCore<number, string>({}, { onClose, send })
    const { close, send: detachedSend, state, lastEventId, transport, transportReason } = subscription
    expect([state, lastEventId, transport, transportReason]).toEqual(['connecting', undefined, undefined, undefined])
    await expect(detachedSend('hi')).resolves.toEqual({ eventId: 'e1' })
    expect(send).toHaveBeenCalledWith('hi')
    const iterate = subscription[Symbol.asyncIterator]
    expect(subscription[Symbol.asyncIterator]).toBe(iterate)
    const iterator = iterate()
    sink.deliver(7, meta('a'))
    expect(await iterator.next()).toEqual({ done: false, value: 7 })
    expect(subscription.close).toBe(close)
    ;[1].forEach(close)
    expect(onClose).toHaveBeenCalledOnce()
    expect(subscription.state).toBe('closed')
    await expect(detachedSend('late')).rejects.toMatchObject({ code: 'closed' })
  })

  it('has send only when the owner can send; getters reflect the sink', () => {
    const { subscription, sink } = setup()
    expect('send' in subscription).toBe(false)
    expect('close' in subscription && 'state' in subscription && Symbol.asyncIterator in subscription).toBe(true)
    sink.setTransport('sse', 'why')
    sink.deliver(1, meta('x'))
    expect([subscription.transport, subscription.transportReason, subscription.lastEventId]).toEqual([
      'sse',
      'why',
      'x',
    ])
    const sending = createSubscriptionCore<unknown, string>({}, { onClose() {}, send: async () => ({ eventId: 'e' }) })
    expect('send' in sending.subscription).toBe(true)
  })

  it('state changes and gaps queued behind an async validation keep their order', async () => {
    const gate = deferred<void>()
    const gaps: unknown[] = []
    const { sink, events, states } = setup<number>({
      schema: numberSchema(new Map([[1, gate.promise]])),
      onGap: (g) => gaps.push(g),
    })
    sink.deliver(1, meta('1'))
    sink.setState({ to: 'open' })
    sink.gap({ reason: 'x' } as never)
    sink.deliver(2, meta('2'))
    expect(events).toEqual([])
    expect(states).toEqual([])
    gate.resolve()
    await flushMicrotasks()
    expect(events).toEqual([1, 2])
    expect(states.map((s) => s.to)).toEqual(['open'])
    expect(gaps).toHaveLength(1)
    sink.setState({ to: 'reconnecting' })
    sink.deliver(3, meta('3'))
    expect(states.map((s) => s.to)).toEqual(['open', 'reconnecting'])
    expect(events).toEqual([1, 2, 3])
  })

  it('a failure that will be retried reaches onError after its onState, with attempt and nextDelayMs', async () => {
    const order: string[] = []
    const { sink } = setup({
      onState: (c) => order.push(`state:${c.to}`),
      onError: (e) => order.push(`error:${e.code}:${e.attempt}:${e.nextDelayMs}`),
    })
    const error = Object.assign(new SwitchlineError('network', 'lost'), { attempt: 2, nextDelayMs: 1234 })
    sink.setState({ to: 'reconnecting', error, attempt: 2, delayMs: 1234 })
    sink.setState({ to: 'connecting' })
    sink.setState({ to: 'reconnecting', reason: 'offline', attempt: 3 }) // no error: nothing for onError
    await flushMicrotasks()
    expect(order).toEqual(['state:reconnecting', 'error:network:2:1234', 'state:connecting', 'state:reconnecting'])
  })

  it('ready() resolves at the first open (also later and detached) and ignores what happens after', async () => {
    const { sink, subscription } = setup()
    const { ready } = subscription
    const early = ready()
    sink.setState({ to: 'open' })
    await expect(early).resolves.toBeUndefined()
    sink.setState({ to: 'closed', error: new SwitchlineError('max_attempts', 'gave up', { fatal: true }) })
    await expect(subscription.ready()).resolves.toBeUndefined()
    expect(subscription.ready).toBe(ready)
  })

  it('ready() rejects with the error that closed it before it opened, or with closed', async () => {
    const fatal = new SwitchlineError('http_status', 'HTTP 404', { status: 404, fatal: true })
    const failed = setup()
    const pending = failed.subscription.ready()
    failed.sink.setState({ to: 'reconnecting', error: new SwitchlineError('network', 'x') }) // retried: still waiting
    failed.sink.setState({ to: 'closed', error: fatal })
    await expect(pending).rejects.toBe(fatal)
    await expect(failed.subscription.ready()).rejects.toBe(fatal)

    const closed = setup()
    const waiting = closed.subscription.ready()
    closed.subscription.close()
    await expect(waiting).rejects.toMatchObject({ code: 'closed' })
    await expect(closed.subscription.ready()).rejects.toMatchObject({ code: 'closed' })
  })

  it('an abort during iteration: the iterator yields what it holds, then throws aborted with the signal reason', async () => {
    const controller = new AbortController()
    const { sink, subscription, states, errors } = setup<number>({ signal: controller.signal })
    const iterator = subscription[Symbol.asyncIterator]()
    sink.setState({ to: 'open' })
    sink.deliver(1, meta())
    sink.deliver(2, meta())
    const reason = new Error('left the page')
    controller.abort(reason)
    expect(await iterator.next()).toEqual({ done: false, value: 1 })
    expect(await iterator.next()).toEqual({ done: false, value: 2 })
    const error = await iterator.next().then(
      () => undefined,
      (e: unknown) => e as SwitchlineError,
    )
    expect(error).toMatchObject({ code: 'aborted' })
    expect(error?.cause).toBe(reason)
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect(states.at(-1)).toEqual({ from: 'open', to: 'closed', reason: 'aborted' })
    expect(errors).toEqual([])
  })

  it('close() and break still end the iterator quietly', async () => {
    const { subscription } = setup<number>()
    const iterator = subscription[Symbol.asyncIterator]()
    const next = iterator.next()
    subscription.close()
    expect(await next).toEqual({ done: true, value: undefined })
  })
})
