/**
 * A FIFO bounded by item count and total bytes: the client's send queue while a transport is not open.
 * Pure: no I/O, no timers.
 */
import { invalidOptions, SwitchlineError } from './errors'

/** The bounds of a send queue unless the app sets `sendQueue` (client and raw WebSocket alike). */
export const SEND_QUEUE_DEFAULTS = { maxCount: 100, maxBytes: 1_048_576 } as const

/** Options of {@link createBoundedQueue}. */
export interface BoundedQueueOptions {
  /** At most this many items (a positive integer, or `Infinity`). @defaultValue 1000 */
  maxCount?: number
  /** At most this many bytes in total (`Infinity` for no limit). @defaultValue 1_048_576 */
  maxBytes?: number
}

/** A FIFO bounded by count and bytes. */
export interface BoundedQueue<T> {
  /** throws SwitchlineError('queue_full', …) if it would exceed maxCount or maxBytes; the queue is unchanged then */
  push(item: T, bytes: number): void
  /** Removes and returns the oldest item. */
  shift(): T | undefined
  /** The oldest item, left in place. */
  peek(): T | undefined
  /** Removes the first occurrence of `item` (by identity); whether it was there. */
  remove(item: T): boolean
  /** A copy of the items, oldest first. */
  values(): T[]
  /** Empties the queue; returns what it held, oldest first. */
  clear(): T[]
  /** How many items are queued. */
  readonly size: number
  /** The total bytes of the queued items. */
  readonly bytes: number
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
 * Creates a {@link BoundedQueue}.
 * @throws SwitchlineError `invalid_options` for a `maxCount` that is not a positive integer (or `Infinity`), or a
 * negative or `NaN` `maxBytes`.
 * @example
 * const queue = createBoundedQueue<string>({ maxCount: 100 })
 * queue.push(text, utf8ByteLength(text))
 */
export function createBoundedQueue<T>(options: BoundedQueueOptions = {}): BoundedQueue<T> {
  const { maxCount = 1000, maxBytes = 1_048_576 } = options
  checkBoundedQueueOptions({ maxCount, maxBytes })

  let items: T[] = []
  let sizes: number[] = []
  let head = 0 // items before `head` were shifted out
  let total = 0

  function compact(): void {
    if (head > 32 && head * 2 >= items.length) {
      items = items.slice(head)
      sizes = sizes.slice(head)
      head = 0
    }
  }

  return {
    push(item, bytes) {
      if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
        throw invalidOptions(`bytes must be a finite number ≥ 0, got ${String(bytes)}`)
      }
      const count = items.length - head
      if (count + 1 > maxCount) {
        throw new SwitchlineError('queue_full', `send queue is full (${count} of ${maxCount} messages)`)
      }
      if (total + bytes > maxBytes) {
        throw new SwitchlineError(
          'queue_full',
          `send queue is full (${total} + ${bytes} bytes would exceed ${maxBytes})`,
        )
      }
      items.push(item)
      sizes.push(bytes)
      total += bytes
    },
    shift() {
      if (head === items.length) return undefined
      const item = items[head] as T
      total -= sizes[head] as number
      items[head] = undefined as T // let it be collected
      head++
      if (head === items.length) {
        items = []
        sizes = []
        head = 0
        total = 0 // no float drift left behind
      } else {
        compact()
      }
      return item
    },
    peek() {
      return head === items.length ? undefined : items[head]
    },
    remove(item) {
      const index = items.indexOf(item, head)
      if (index === -1) return false
      total -= sizes[index] as number
      items.splice(index, 1)
      sizes.splice(index, 1)
      if (head === items.length) {
        items = []
        sizes = []
        head = 0
        total = 0
      }
      return true
    },
    values() {
      return items.slice(head)
    },
    clear() {
      const out = items.slice(head)
      items = []
      sizes = []
      head = 0
      total = 0
      return out
    },
    get size() {
      return items.length - head
    },
    get bytes() {
      return total
    },
  }
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
