/**
 * The buffer behind `for await (const x of subscription)`: a producer pushes, one async iterator consumes.
 * Bounded, with an overflow policy. Pure: no I/O, no timers.
 */
import { invalidOptions, SwitchlineError } from './errors'

/** What happens when a value arrives and the buffer holds `maxSize` values. */
export type OverflowPolicy = 'error' | 'drop-oldest' | 'drop-newest'

/** Options of {@link createAsyncQueue}. */
export interface AsyncQueueOptions {
  /** How many values may wait for the consumer (a positive integer, or `Infinity`). @defaultValue 1000 */
  maxSize?: number
  /**
   * `'error'`: the iterator yields what is buffered, then throws `SwitchlineError('buffer_overflow')`; later
   * pushes are ignored. `'drop-oldest'` / `'drop-newest'`: drop a value and call `onDrop`.
   * @defaultValue 'error'
   */
  overflow?: OverflowPolicy
  /** called once when the consumer stops early (break/return/throw) — i.e. before the iterator finished */
  onReturn?: () => void
  /** called with how many items were dropped (drop policies) */
  onDrop?: (count: number) => void
  /** Called once, at the push that overflowed, with the error the iterator will throw (policy `'error'`). */
  onOverflow?: (error: SwitchlineError) => void
}

/** The producer's side of a queue, as {@link openQueue} returns it. */
export interface QueueProducer<T> {
  /** Adds a value, or hands it straight to a waiting `next()`. Ignored once ended, failed or returned. */
  push(value: T): void
  /** The producer's end: `1` the iterator ends after draining, `2` it throws `error` after draining. */
  close(state: 1 | 2, error?: unknown): void
  /** Ends the iterator now, as its `return()` does: what is buffered is dropped; `onReturn` if it had not finished. */
  stop(): void
  /** How many values are buffered. */
  readonly size: number
}

/** A push-based queue read by one async iterator. */
export interface AsyncQueue<T> {
  /** Adds a value, or hands it straight to a waiting `next()`. Ignored once ended, failed or returned. */
  push(value: T): void
  /** the iterator throws this after draining buffered items */
  fail(error: unknown): void
  /** the iterator ends after draining */
  end(): void
  /** How many values are buffered. */
  readonly size: number
  /** The one iterator of this queue; a second call throws `SwitchlineError('invalid_options')`. */
  iterator(): AsyncIterableIterator<T>
}

/**
 * Creates an {@link AsyncQueue}.
 * @throws SwitchlineError `invalid_options` for a bad `maxSize` or `overflow`.
 * @example
 * const queue = createAsyncQueue<Message>({ maxSize: 100, onReturn: () => subscription.close() })
 * const subscription = subscribe<Message>(url, {
 *   onEvent: (message) => queue.push(message),
 *   onError: (error) => error.fatal && queue.fail(error),
 *   onState: ({ to }) => to === 'closed' && queue.end(),
 * })
 * for await (const message of queue.iterator()) render(message)
 */
export function createAsyncQueue<T>(options: AsyncQueueOptions = {}): AsyncQueue<T> {
  const { maxSize = 1000, overflow = 'error' } = options
  if (!(maxSize === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxSize) && maxSize >= 1))) {
    throw invalidOptions(`maxSize must be a positive integer, got ${String(maxSize)}`)
  }
  if (overflow !== 'error' && overflow !== 'drop-oldest' && overflow !== 'drop-newest') {
    throw invalidOptions(`overflow must be one of error, drop-oldest, drop-newest`)
  }
  const [queue, iterator] = openQueue<T>(options, options.onReturn, options.onDrop, options.onOverflow)
  let handedOut = false
  return Object.assign(queue, {
    fail: (error: unknown) => queue.close(2, error),
    end: () => queue.close(1),
    iterator() {
      if (handedOut) throw invalidOptions('this subscription is already being iterated')
      handedOut = true
      return iterator
    },
  })
}

/**
 * The queue and its one iterator, with options already checked (the subscription core's are, at call time).
 */
export function openQueue<T>(
  { maxSize = 1000, overflow = 'error' }: AsyncQueueOptions = {},
  onReturn?: () => void,
  onDrop?: (count: number) => void,
  onOverflow?: (error: SwitchlineError) => void,
): [QueueProducer<T>, AsyncIterableIterator<T>] {
  let buffer: T[] = []
  let head = 0
  /** Waiting `next()` calls (only while the buffer is empty): `[resolve, reject]`. */
  let waiters: Array<[(result: IteratorResult<T, undefined>) => void, (error: unknown) => void]> = []
  /** The producer's state: 0 still pushing, 1 ended, 2 failed (with `failure`, the error the iterator throws). */
  let producer = 0
  let failure: unknown
  /** The consumer's side: it has seen `done` or the error, or returned. */
  let finished = false

  const done = (): IteratorResult<T, undefined> => ({ done: true, value: undefined })

  const take = (): T => {
    const value = buffer[head] as T
    buffer[head++] = undefined as T
    // Emptied, or more than half read: keep only what is left.
    if (head === buffer.length || (head > 32 && head * 2 >= buffer.length)) {
      buffer = buffer.slice(head)
      head = 0
    }
    return value
  }

  /** Ends the stream for one reader: the failure once, then `done`. */
  const settle = (resolve: (result: IteratorResult<T, undefined>) => void, reject: (error: unknown) => void) => {
    finished = true
    if (producer === 2) {
      producer = 1
      const error = failure
      failure = undefined
      reject(error)
    } else resolve(done())
  }

  /** Settles every waiting `next()` (there are some only while the buffer is empty). */
  const settleAll = () => {
    const waiting = waiters
    waiters = []
    for (const [resolve, reject] of waiting) settle(resolve, reject)
  }

  /** The producer's end (`end`, `fail`, overflow): what is buffered is still read first. */
  const close = (state: 1 | 2, error?: unknown) => {
    if (producer || finished) return
    producer = state
    failure = error
    settleAll()
  }

  /** The consumer's end (`return`, `throw`, a close by the app): drops what is buffered; `done` for every waiter. */
  const stop = () => {
    const early = !finished
    buffer = []
    head = 0
    producer = 1
    failure = undefined
    settleAll()
    finished = true
    if (early) onReturn?.()
  }

  return [
    {
      push(value) {
        if (producer || finished) return
        const waiter = waiters.shift()
        if (waiter) return waiter[0]({ done: false, value })
        if (buffer.length - head < maxSize) return void buffer.push(value)
        if (overflow === 'drop-newest') return onDrop?.(1)
        if (overflow === 'drop-oldest') {
          take()
          buffer.push(value)
          return onDrop?.(1)
        }
        const error = new SwitchlineError(
          'buffer_overflow',
          `the consumer fell behind: more than ${maxSize} messages were waiting`,
        )
        close(2, error)
        onOverflow?.(error)
      },
      close,
      stop,
      get size() {
        return buffer.length - head
      },
    },
    {
      next: () =>
        head < buffer.length
          ? Promise.resolve({ done: false, value: take() })
          : finished
            ? Promise.resolve(done())
            : new Promise((resolve, reject) => (producer ? settle(resolve, reject) : waiters.push([resolve, reject]))),
      return() {
        stop()
        return Promise.resolve(done())
      },
      throw(error?: unknown) {
        stop()
        return Promise.reject(error)
      },
      [Symbol.asyncIterator]() {
        return this
      },
    },
  ]
}
