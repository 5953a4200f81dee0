import mitt from 'mitt'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushMicrotasks } from '../../test/support/async'
import type { StandardSchemaV1 } from '../core/standard-schema'
import { createSubscriptionCore } from './subscription-core'
import type { BaseSubscriptionOptions, EventMeta } from '../types'

// mitt, counted: the emitter must be created only by a subscription that calls on().
vi.mock('mitt', async (importOriginal) => {
  const actual = await importOriginal<typeof import('mitt')>()
  return { default: vi.fn(actual.default) }
})

const meta = (event: string, id?: string): EventMeta => ({ id, channel: undefined, event, transport: 'sse' })

/** A subscription core whose onEvent (unless `quiet`) and handlers write to `seen`. */
function setup<T = unknown>(options: BaseSubscriptionOptions<T> = {}, quiet = false) {
  const seen: string[] = []
  const onClose = vi.fn()
  const onEvent = (data: T, m: EventMeta) => seen.push(`onEvent ${m.event} ${String(data)}`)
  const { sink, subscription } = createSubscriptionCore<T>(quiet ? options : { onEvent, ...options }, { onClose })
  return { sink, subscription, seen, onClose }
}

/** Collects what queueMicrotask rethrows (the app's global error handler would see it). */
function catchRethrown(): unknown[] {
  const thrown: unknown[] = []
  vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((fn) => {
    try {
      fn()
    } catch (error) {
      thrown.push(error)
    }
  })
  return thrown
}

afterEach(() => {
  vi.restoreAllMocks()
  vi.mocked(mitt).mockClear()
})

describe('named events: on(name, handler) / off', () => {
  it('calls the handlers of the event name with (data, meta), after onEvent; unnamed events are "message"', () => {
    const { sink, subscription, seen } = setup()
    subscription.on('order-update', (data, m) => seen.push(`order-update ${String(data)} ${m.id}`))
    subscription.on('message', (data) => seen.push(`message ${String(data)}`))
    sink.deliver('a', meta('order-update', '1'))
    sink.deliver('b', meta('message', '2'))
    sink.deliver('c', meta('other', '3'))
    expect(seen).toEqual([
      'onEvent order-update a',
      'order-update a 1',
      'onEvent message b',
      'message b',
      'onEvent other c', // no handler for it: onEvent (and the iterator) still get every event
    ])
    expect(subscription.lastEventId).toBe('3')
  })

  it('named events still reach the async iterator', async () => {
    const { sink, subscription } = setup()
    const names: unknown[] = []
    subscription.on('tick', (data) => names.push(data))
    const iterator = subscription[Symbol.asyncIterator]()
    sink.deliver(1, meta('tick'))
    sink.deliver(2, meta('message'))
    expect(await iterator.next()).toEqual({ done: false, value: 1 })
    expect(await iterator.next()).toEqual({ done: false, value: 2 })
    expect(names).toEqual([1])
    subscription.close()
  })

  it('on() returns an unsubscribe function, idempotent, that removes only its own registration', () => {
    const { sink, subscription, seen } = setup({}, true)
    const handler = (data: unknown) => seen.push(`h ${String(data)}`)
    const first = subscription.on('x', handler)
    subscription.on('x', handler) // added twice: called twice
    sink.deliver(1, meta('x'))
    first()
    first() // a second call must not remove the other registration
    sink.deliver(2, meta('x'))
    expect(seen).toEqual(['h 1', 'h 1', 'h 2'])
  })

  it('off(name, handler) removes that handler; off(name) every handler of the name; unknown ones are ignored', () => {
    const { sink, subscription, seen } = setup({}, true)
    const a = (data: unknown) => seen.push(`a ${String(data)}`)
    const b = (data: unknown) => seen.push(`b ${String(data)}`)
    const other = (data: unknown) => seen.push(`other ${String(data)}`)
    subscription.off('x', a) // nothing registered yet
    subscription.on('x', a)
    subscription.on('x', b)
    subscription.on('y', other)
    subscription.off('x', other) // not a handler of x
    sink.deliver(1, meta('x'))
    subscription.off('x', a)
    sink.deliver(2, meta('x'))
    subscription.off('x')
    sink.deliver(3, meta('x'))
    sink.deliver(4, meta('y'))
    expect(seen).toEqual(['a 1', 'b 1', 'b 2', 'other 4'])
  })

  it('on and off work destructured (bound once, like close)', () => {
    const { sink, subscription, seen } = setup({}, true)
    const { on, off } = subscription
    expect(subscription.on).toBe(on)
    const h = (data: unknown) => seen.push(String(data))
    on('x', h)
    sink.deliver(1, meta('x'))
    off('x', h)
    sink.deliver(2, meta('x'))
    expect(seen).toEqual(['1'])
  })

  it('emits over a copy: a handler removed during an event still gets it, one added during it does not', () => {
    const { sink, subscription, seen } = setup({}, true)
    let stopB: () => void = () => {}
    subscription.on('x', (data) => {
      seen.push(`a ${String(data)}`)
      stopB()
      subscription.on('x', (d) => seen.push(`late ${String(d)}`))
    })
    stopB = subscription.on('x', (data) => seen.push(`b ${String(data)}`))
    sink.deliver(1, meta('x'))
    expect(seen).toEqual(['a 1', 'b 1'])
  })

  it('a throwing handler is rethrown from a microtask, as onEvent is; the other handlers and later events go on', () => {
    const thrown = catchRethrown()
    const { sink, subscription, seen } = setup()
    subscription.on('x', (data) => {
      if (data === 1) throw new Error('handler bug')
    })
    subscription.on('x', (data) => seen.push(`second ${String(data)}`))
    const iterated: unknown[] = []
    const iterator = subscription[Symbol.asyncIterator]()
    sink.deliver(1, meta('x'))
    sink.deliver(2, meta('x'))
    void iterator.next().then((r) => iterated.push(r.value))
    expect(seen).toEqual(['onEvent x 1', 'second 1', 'onEvent x 2', 'second 2'])
    expect(thrown).toEqual([new Error('handler bug')])
    expect(subscription.state).toBe('connecting')
    return flushMicrotasks().then(() => expect(iterated).toEqual([1]))
  })

  it('close() removes every handler; on() after close adds none and returns a no-op', () => {
    const { sink, subscription, seen, onClose } = setup({}, true)
    subscription.on('x', (data) => seen.push(`x ${String(data)}`))
    sink.setState({ to: 'open' })
    subscription.close()
    const stop = subscription.on('x', (data) => seen.push(`after ${String(data)}`))
    expect(stop).toBeTypeOf('function')
    stop()
    subscription.off('x')
    sink.deliver(1, meta('x'))
    expect(seen).toEqual([])
    expect(onClose).toHaveBeenCalledOnce()
  })

  it('a final state from the owner (the stream failed or ended) removes the handlers too', () => {
    const { sink, subscription, seen } = setup({}, true)
    const stop = subscription.on('x', (data) => seen.push(`x ${String(data)}`))
    sink.deliver(1, meta('x'))
    sink.setState({ to: 'closed', reason: 'ended' })
    stop() // after the end: harmless
    sink.deliver(2, meta('x'))
    expect(seen).toEqual(['x 1'])
  })

  it('a handler that closes the subscription stops the handlers after it', () => {
    const { sink, subscription, seen } = setup({}, true)
    subscription.on('x', () => {
      seen.push('first')
      subscription.close()
    })
    subscription.on('x', () => seen.push('second'))
    sink.deliver(1, meta('x'))
    sink.deliver(2, meta('x'))
    expect(seen).toEqual(['first'])
  })

  it('with a schema, handlers get the validated value; a rejected payload reaches no handler', () => {
    const schema = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value: unknown) =>
          typeof value === 'number'
            ? { value: value * 10 }
            : { issues: [{ message: `not a number: ${String(value)}` }] },
      },
    } as StandardSchemaV1<unknown, number>
    const errors: string[] = []
    const { sink, subscription, seen } = setup<number>({ schema, onError: (e) => errors.push(e.code) }, true)
    subscription.on('x', (data) => seen.push(`x ${data}`))
    sink.deliver(1, meta('x', '1'))
    sink.deliver('bad', meta('x', '2'))
    expect(seen).toEqual(['x 10'])
    expect(errors).toEqual(['validation'])
    expect(subscription.lastEventId).toBe('2')
  })

  it('the emitter (mitt) is created on the first on(), once, and never for a subscription that does not call it', () => {
    const quiet = setup()
    quiet.sink.deliver(1, meta('x'))
    quiet.subscription.off('x') // off() alone creates nothing either
    quiet.subscription.close()
    expect(mitt).not.toHaveBeenCalled()
    const used = setup()
    used.subscription.on('x', () => {})
    used.subscription.on('y', () => {})
    expect(mitt).toHaveBeenCalledOnce()
    used.subscription.close()
  })

  it('a name whose last handler is removed leaves the emitter: on/stop and off with many names keep all.size at 0', () => {
    const { sink, subscription, seen } = setup({}, true)
    subscription.on('keep', () => {})
    const emitter = vi.mocked(mitt).mock.results[0]?.value as ReturnType<typeof mitt>
    expect(emitter.all.size).toBe(1)
    for (let i = 0; i < 1000; i += 1) subscription.on(`reply:${i}`, () => {})()
    const stop = subscription.on('twice', (data) => seen.push(`twice ${String(data)}`))
    const other = (): void => {}
    subscription.on('twice', other)
    subscription.off('twice', other)
    expect(emitter.all.size).toBe(2) // one handler of 'twice' is left
    sink.deliver(1, meta('twice'))
    stop()
    for (let i = 0; i < 1000; i += 1) {
      subscription.on(`all:${i}`, () => {})
      subscription.on(`all:${i}`, () => {})
      subscription.off(`all:${i}`)
      subscription.off(`never:${i}`)
    }
    subscription.off('keep')
    expect(emitter.all.size).toBe(0)
    expect(seen).toEqual(['twice 1'])
    subscription.on('back', (data) => seen.push(`back ${String(data)}`))
    sink.deliver(2, meta('back'))
    expect(seen).toEqual(['twice 1', 'back 2'])
    subscription.close()
  })

  it("names are literal: '*' gets only events named '*', and __proto__ / constructor are ordinary names", () => {
    const { sink, subscription, seen } = setup({}, true)
    for (const name of ['*', '__proto__', 'constructor'])
      subscription.on(name, (_data, m) => seen.push(`${name} <- ${m.event}`))
    for (const event of ['message', 'order', '__proto__', 'constructor', '*']) sink.deliver(1, meta(event))
    expect(seen).toEqual(['__proto__ <- __proto__', 'constructor <- constructor', '* <- *'])
    subscription.close()
  })

  it('a name that is not a string or a handler that is not a function is invalid_options', () => {
    const { subscription } = setup()
    const loose = subscription as unknown as {
      on(name: unknown, handler: unknown): unknown
      off(name: unknown, handler?: unknown): unknown
    }
    expect(() => loose.on(42, () => {})).toThrow(expect.objectContaining({ code: 'invalid_options', fatal: true }))
    expect(() => loose.on('x', 'nope')).toThrow(
      expect.objectContaining({
        code: 'invalid_options',
        message: 'on(string, string): takes an event name (string) and a handler (function)',
      }),
    )
    expect(() => loose.on('x', undefined)).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => loose.off('x', 1)).toThrow(expect.objectContaining({ code: 'invalid_options' }))
    expect(() => loose.off(undefined)).toThrow(expect.objectContaining({ code: 'invalid_options' }))
  })
})
