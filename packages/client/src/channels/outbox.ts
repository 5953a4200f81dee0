/**
 * The sends of one channel: each `send()` gets a `mid`, waits in a bounded queue (count + bytes) until a path is
 * live, goes out once on that path (WebSocket publish frame or HTTP POST), and is re-sent with the SAME `mid` after
 * a reconnect, a transport switch or a failed request until the server acknowledges it — the server deduplicates
 * by `mid` (R22), so each message is published once. A message rejects only at its own deadline (`ackTimeoutMs`)
 * or on a fatal answer; either way the queue moves on to the next one.
 */
import { defaultBackoff, MAX_RETRY_HINT_MS, type BackoffPolicy } from '../core/backoff'
import { SwitchlineError } from '../core/errors'
import { checkQueueRoom, utf8ByteLength } from '../core/bounded-queue'
import { encodeFrame } from '../protocol/codec'
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/defaults'
import { clampDelay, type TimerHandle, type Timers } from '../core/timers'
import type { OutgoingMessage, SendPath } from './session-types'
import type { SendResult } from '../types'

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  channel: string
  /** Most messages waiting for an answer (queued or in flight). @defaultValue 100 */
  maxCount?: number | undefined
  /** Most bytes (encoded) waiting for an answer. @defaultValue 1_048_576 */
  maxBytes?: number | undefined
  /** A message not acknowledged within this long (from `send()`) rejects with `timeout`. @defaultValue 30000 */
  ackTimeoutMs?: number | undefined
  timers: Timers
  /** [0, 1): message ids and retry jitter. */
  random: () => number
  /** Delay between retries of a message the server answered with a non-fatal error. @defaultValue defaultBackoff */
  backoff?: BackoffPolicy
}

/** The send side of a channel. */
export interface Outbox {
  /** Queues one message; resolves with the server's event id. */
  send(data: unknown, event?: string): Promise<SendResult>
  /** The live path, or `undefined` while none is. Every change re-sends what is unanswered. */
  setPath(path: SendPath | undefined): void
  /** Rejects everything pending with `error` (e.g. `closed`) and refuses further sends. Idempotent. */
  close(error: SwitchlineError): void
  /** Messages waiting for an answer. */
  readonly pending: number
}

interface Entry {
  message: OutgoingMessage
  resolve(result: SendResult): void
  reject(error: SwitchlineError): void
  /** The path generation it was last sent on, or -1 while it waits to be sent. */
  sentOn: number
  /** Its encoded size (UTF-8). */
  bytes: number
  /** Its `ackTimeoutMs` timer, set once it is queued. */
  timer?: TimerHandle
  /** Abandons the request in flight (HTTP: aborts it), if its path can. */
  abandon?: (() => void) | undefined
  settled?: boolean
}

/** A random message id (16 base-36 characters, `0-9a-z`) from `random`. */
export function createMid(random: () => number): string {
  let mid = ''
  for (let i = 0; i < 16; i++) mid += (Math.floor(random() * 36) % 36).toString(36)
  return mid
}

/** A publish frame's size in bytes, as the server measures it (UTF-8). */
function encodedBytes(message: OutgoingMessage): number {
  return utf8ByteLength(encodeFrame({ type: 'publish', id: 2 ** 31, ...message }))
}

/**
 * Creates the outbox of one channel.
 * @example
 * const outbox = createOutbox({ channel: 'chat:a', timers: platform.timers, random: platform.random })
 * outbox.setPath(wsPath)
 * await outbox.send({ text: 'hi' }) // { eventId: 'k3f9a-12' }
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const { channel, timers, random } = options
  const ackTimeoutMs = options.ackTimeoutMs ?? 30_000
  const backoff = options.backoff ?? defaultBackoff
  // The messages waiting for an answer, oldest first, and their total size.
  let queue: Entry[] = []
  let queuedBytes = 0
  let path: SendPath | undefined
  let generation = 0
  let maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES
  let closed: SwitchlineError | undefined
  let retryPending = false
  let retryTimer: TimerHandle
  let retryAttempt = 0

  function settle(entry: Entry, outcome: SendResult | SwitchlineError): void {
    if (entry.settled) return
    entry.settled = true
    timers.clearTimeout(entry.timer)
    entry.abandon?.()
    const index = queue.indexOf(entry)
    if (index >= 0) {
      queue.splice(index, 1)
      queuedBytes = queue.length ? queuedBytes - entry.bytes : 0 // empty: no float drift left behind
    }
    if (outcome instanceof SwitchlineError) entry.reject(outcome)
    else entry.resolve(outcome)
  }

  function flush(): void {
    if (closed || path === undefined || retryPending) return
    const live = path
    // Over HTTP one request at a time keeps the channel's messages in order; a WebSocket is ordered already.
    for (const entry of queue.slice()) {
      if (entry.sentOn === generation) {
        if (live.kind === 'sse') return
        continue
      }
      entry.sentOn = generation
      const sentOn = generation
      entry.abandon =
        live.publish(entry.message, (result) => {
          if (result instanceof SwitchlineError) {
            if (entry.settled || entry.sentOn !== sentOn || sentOn !== generation) return // a stale answer
            if (result.fatal) {
              settle(entry, result)
              flush()
              return
            }
            entry.sentOn = -1
            scheduleRetry(result.retryAfterMs)
            return
          }
          // A success is a success whichever path carried it (the server deduplicated any re-send).
          retryAttempt = 0
          settle(entry, { eventId: result.eventId })
          flush()
        }) || undefined
      if (live.kind === 'sse' || path !== live || closed) return
    }
  }

  function scheduleRetry(retryAfterMs: number | undefined): void {
    if (retryPending) return
    retryPending = true
    // The server's hint (Retry-After / retry-after-ms), capped as reconnect hints are: an absurd one cannot hold the
    // channel's sends back for days.
    const delay = Math.max(Math.min(retryAfterMs ?? 0, MAX_RETRY_HINT_MS), backoff(retryAttempt++, random))
    retryTimer = timers.setTimeout(() => {
      retryPending = false
      flush()
    }, clampDelay(delay))
  }

  return {
    send(data, event) {
      // A throw in here rejects the promise.
      return new Promise<SendResult>((resolve, reject) => {
        if (closed) throw closed
        const message: OutgoingMessage = { channel, data, mid: createMid(random) }
        if (event !== undefined) message.event = event
        let bytes: number
        try {
          bytes = encodedBytes(message)
        } catch (cause) {
          throw new SwitchlineError('invalid_options', 'send(): data is not JSON-serializable', { cause, channel })
        }
        const limit = path?.maxFrameBytes ?? maxFrameBytes
        if (bytes > limit) {
          throw new SwitchlineError('payload_too_large', `message of ${bytes} bytes exceeds the server's ${limit}`, {
            channel,
            fatal: true,
          })
        }
        const entry: Entry = {
          message,
          resolve,
          reject,
          sentOn: -1,
          bytes,
        }
        checkQueueRoom(queue.length, queuedBytes, bytes, options) // its maxCount and maxBytes
        queue.push(entry)
        queuedBytes += bytes
        entry.timer = timers.setTimeout(() => {
          settle(entry, new SwitchlineError('timeout', `no ack within ${ackTimeoutMs} ms`, { channel }))
          flush() // over HTTP it may have held the line: the next one goes
        }, clampDelay(ackTimeoutMs))
        flush()
      })
    },
    setPath(next) {
      if (closed) return
      path = next
      generation++
      if (next !== undefined) maxFrameBytes = next.maxFrameBytes
      for (const entry of queue) entry.sentOn = -1
      flush()
    },
    close(error) {
      if (closed) return
      closed = error
      path = undefined
      const entries = queue
      queue = []
      queuedBytes = 0
      for (const entry of entries) settle(entry, error) // in queue order (each clears its timer)
      if (retryPending) timers.clearTimeout(retryTimer)
    },
    get pending() {
      return queue.length
    },
  }
}
