/**
 * Send queues bounded by item count and total bytes (the client's while a transport is not open): the one bounds
 * check and `queue_full` message ({@link checkQueueRoom}), the UTF-8 size of a message, and a general bounded FIFO.
 * Pure: no I/O, no timers.
 */
import { invalidOptions, SwitchlineError } from './errors'

/** The bounds of a send queue unless the app sets `sendQueue` (client and raw WebSocket alike). */
export const SEND_QUEUE_DEFAULTS = { maxCount: 100, maxBytes: 1_048_576 } as const

/** Bounds of a send queue ({@link checkQueueRoom}) or of a {@link BoundedQueue}. */
export interface BoundedQueueOptions {
  /** At most this many items (a positive integer, or `Infinity`). @defaultValue 100 (1000 by {@link createBoundedQueue}) */
  maxCount?: number | undefined
  /** At most this many bytes in total (`Infinity` for no limit). @defaultValue 1_048_576 */
  maxBytes?: number | undefined
}

/**
 * Whether a send queue that holds `count` items of `total` bytes has room for one more of `bytes`, within `bounds`
 * (each {@link SEND_QUEUE_DEFAULTS} when left out). Raw WebSocket and the outbox keep their messages in arrays of
 * their own and ask this; the bounds were checked when `subscribe()` / `createClient()` was called.
 * @throws SwitchlineError `queue_full` when it has not.
 * @example
 * checkQueueRoom(pending.length, pendingBytes, utf8ByteLength(text), options.sendQueue)
 */
export function checkQueueRoom(
  count: number,
  total: number,
  bytes: number,
  { maxCount = 100, maxBytes = 1_048_576 }: BoundedQueueOptions = {},
): void {
  const full =
    count >= maxCount
      ? `${count} of ${maxCount} messages`
      : total + bytes > maxBytes && `${total} + ${bytes} bytes would exceed ${maxBytes}`
  if (full) throw new SwitchlineError('queue_full', `send queue is full (${full})`)
}

/**
 * A FIFO bounded by count and bytes, as a class (V8 memory notes §1, §3: docs/decisions/0021-v8-memory-notes.md).
 * Built by {@link createBoundedQueue}, which checks its bounds.
 */
export class BoundedQueue<T> {
  readonly #bounds: BoundedQueueOptions
  #items: T[] = []
  #sizes: number[] = []
  #bytes = 0

  /** Bounds left out (or `undefined`) are {@link SEND_QUEUE_DEFAULTS}. */
  constructor(bounds: BoundedQueueOptions = {}) {
    this.#bounds = bounds
  }

  /**
   * @throws SwitchlineError `queue_full` if it would exceed maxCount or maxBytes, `invalid_options` for `bytes` that
   * is not a finite number ≥ 0; the queue is unchanged then.
   */
  push(item: T, bytes: number): void {
    if (!(Number.isFinite(bytes) && bytes >= 0)) {
      throw invalidOptions(`bytes must be a finite number ≥ 0, got ${String(bytes)}`)
    }
    checkQueueRoom(this.#items.length, this.#bytes, bytes, this.#bounds)
    this.#items.push(item)
    this.#sizes.push(bytes)
    this.#bytes += bytes
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    return this.#items.length ? this.#cut(0) : undefined
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.#items[0]
  }

  /** Removes the first occurrence of `item` (by identity); whether it was there. */
  remove(item: T): boolean {
    const index = this.#items.indexOf(item)
    return index >= 0 && (this.#cut(index), true)
  }

  /** A copy of the items, oldest first. */
  values(): T[] {
    return this.#items.slice()
  }

  /** Empties the queue; returns what it held, oldest first. */
  clear(): T[] {
    const items = this.#items
    this.#items = []
    this.#sizes = []
    this.#bytes = 0
    return items
  }

  /** How many items are queued. */
  get size(): number {
    return this.#items.length
  }

  /** The total bytes of the queued items. */
  get bytes(): number {
    return this.#bytes
  }

  #cut(index: number): T {
    const [item] = this.#items.splice(index, 1) as [T]
    const [bytes] = this.#sizes.splice(index, 1) as [number]
    // Empty: no float drift left behind.
    this.#bytes = this.#items.length ? this.#bytes - bytes : 0
    return item
  }
}

/**
 * Checks bounds before anything is built (what {@link createBoundedQueue} would throw).
 * @throws SwitchlineError `invalid_options` for a `maxCount` that is not a positive integer (or `Infinity`), or a
 * negative or `NaN` `maxBytes`.
 * @example
 * checkBoundedQueueOptions(options.sendQueue ?? {})
 */
export function checkBoundedQueueOptions(options: BoundedQueueOptions): void {
  const { maxCount, maxBytes } = options
  if (
    maxCount !== undefined &&
    !(maxCount === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxCount) && maxCount >= 1))
  ) {
    throw invalidOptions(`maxCount must be a positive integer, got ${String(maxCount)}`)
  }
  if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !(maxBytes >= 0))) {
    throw invalidOptions(`maxBytes must be a number ≥ 0, got ${String(maxBytes)}`)
  }
}

/**
 * Creates a {@link BoundedQueue}, its bounds checked.
 * @throws SwitchlineError `invalid_options` for a `maxCount` that is not a positive integer (or `Infinity`), or a
 * negative or `NaN` `maxBytes`.
 * @example
 * const queue = createBoundedQueue<string>({ maxCount: 100 })
 * queue.push(text, utf8ByteLength(text))
 */
export function createBoundedQueue<T>(options: BoundedQueueOptions = {}): BoundedQueue<T> {
  const { maxCount = 1000, maxBytes = 1_048_576 } = options
  checkBoundedQueueOptions({ maxCount, maxBytes })
  return new BoundedQueue({ maxCount, maxBytes })
}

/**
 * The UTF-8 byte length of a string, counted without encoding it. A lone surrogate counts 3 bytes, as
 * `TextEncoder` writes it as U+FFFD.
 * @example
 * utf8ByteLength('héllo 😀') // 11
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) {
      bytes += 1
      continue
    }
    bytes += 2
    // A high surrogate (0xd800–0xdbff) followed by a low one (0xdc00–0xdfff) is a pair: 2 units, 4 bytes.
    if (c >> 10 === 0x36 && text.charCodeAt(i + 1) >> 10 === 0x37) i++
  }
  return bytes
}
