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

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void
  reject(error: unknown): void
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
  const { maxSize = 1000, overflow = 'error', onReturn, onDrop, onOverflow } = options
  if (!(maxSize === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxSize) && maxSize >= 1))) {
    throw invalidOptions(`maxSize must be a positive integer, got ${String(maxSize)}`)
  }
  if (overflow !== 'error' && overflow !== 'drop-oldest' && overflow !== 'drop-newest') {
    throw invalidOptions(`overflow must be one of error, drop-oldest, drop-newest`)
  }

  let buffer: T[] = []
  let head = 0
  const waiters: Array<Waiter<T>> = []
  /** The producer's side: still pushing, ended, or failed with `failure`. */
  let producer: 'open' | 'ended' | 'failed' = 'open'
  let failure: unknown
  /** The consumer's side: it has seen `done` or the error, or returned. */
  let finished = false
  let handedOut = false

  const done = (): IteratorResult<T, undefined> => ({ done: true, value: undefined })

  function take(): T {
    const value = buffer[head] as T
    buffer[head] = undefined as T
    head++
    if (head === buffer.length) {
      buffer = []
      head = 0
    } else if (head > 32 && head * 2 >= buffer.length) {
      buffer = buffer.slice(head)
      head = 0
    }
    return value
  }

  /** Ends the stream for one reader: the failure once, then `done`. */
  function settle(waiter: Waiter<T>): void {
    finished = true
    if (producer === 'failed') {
      producer = 'ended'
      const error = failure
      failure = undefined
      waiter.reject(error)
    } else {
      waiter.resolve(done())
    }
  }

  function settleWaiters(): void {
    // waiters only exist while the buffer is empty
    for (const waiter of waiters.splice(0)) settle(waiter)
  }

  function stop(): void {
    const early = !finished
    finished = true
    buffer = []
    head = 0
    failure = undefined
    for (const waiter of waiters.splice(0)) waiter.resolve(done())
    if (early) onReturn?.()
  }

  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (head < buffer.length) return Promise.resolve({ done: false, value: take() })
      if (finished) return Promise.resolve(done())
      return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
        if (producer === 'open') waiters.push({ resolve, reject })
        else settle({ resolve, reject })
      })
    },
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
  }

  return {
    push(value) {
      if (producer !== 'open' || finished) return
      const waiter = waiters.shift()
      if (waiter) return waiter.resolve({ done: false, value })
      if (buffer.length - head >= maxSize) {
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
        producer = 'failed'
        failure = error
        return onOverflow?.(error)
      }
      buffer.push(value)
    },
    fail(error) {
      if (producer !== 'open' || finished) return
      producer = 'failed'
      failure = error
      settleWaiters()
    },
    end() {
      if (producer !== 'open' || finished) return
      producer = 'ended'
      settleWaiters()
    },
    get size() {
      return buffer.length - head
    },
    iterator() {
      if (handedOut) {
        throw invalidOptions('this subscription is already being iterated')
      }
      handedOut = true
      return iterator
    },
  }
}
