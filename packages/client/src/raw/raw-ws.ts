/**
 * The WebSocket side of raw `subscribe()`: any WebSocket endpoint, text messages decoded per `format`, an
 * optional application-level ping with a pong matcher, and `send()` with a queue bounded by count and bytes while
 * disconnected.
 */
import { checkQueueRoom, utf8ByteLength } from '../core/bounded-queue'
import { createDecoder } from '../core/decode'
import { SwitchlineError } from '../core/errors'
import {
  createPinger,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_PING_TIMEOUT_MS,
  type Pinger,
} from '../core/liveness'
import { clampDelay, type TimerHandle } from '../core/timers'
import { resolvePlatform } from '../platform/platform'
import type { RawConnection } from './start-raw'
import { classifyRawClose } from './raw-ws-close'
import type { SubscriptionSink } from './subscription-core'
import type { AttemptContext, AttemptHandle, WsAttempt } from '../core/transport-types'
import { bytesOver, DEFAULT_MAX_MESSAGE_BYTES, messageTooLarge, openWebSocket } from '../ws/ws'
import type { SendResult, SubscribeOptions } from '../types'

/** A send made while disconnected: its text, its UTF-8 size, and its promise's settlers. */
type PendingSend = [
  text: string,
  bytes: number,
  resolve: (result: SendResult) => void,
  reject: (error: SwitchlineError) => void,
]

/** A send or pong the socket refused: retryable `network`. */
function failed(what: string, cause: unknown): SwitchlineError {
  return new SwitchlineError('network', `WebSocket ${what} failed: ${String(cause)}`, { cause })
}

/**
 * Creates the WebSocket connection of a raw subscription. Pongs (per `ping.isPong`) are not delivered; a pong
 * later than `ping.timeoutMs` drops the socket at once (`terminate()` in Node, `close(1000, 'ping timeout')` in
 * browsers) and fails the attempt (`timeout`). The server's pings (per `pong.isPing`) are answered with
 * `pong.reply` at once, not delivered, and prove the socket alive to our own pinger. A close means what RFC 6455
 * says unless `closeCodes` says otherwise ({@link classifyRawClose}). `token` is not used on a raw WebSocket (a
 * third-party server has no standard place for it). Messages carry no id: there is nothing to resume or
 * deduplicate by. A message over `maxMessageBytes` is never delivered (see {@link SubscribeOptions.maxMessageBytes};
 * the option is checked by `subscribe()`).
 */
export function createRawWs<T>(url: string, options: SubscribeOptions<T>, sink: SubscriptionSink<T>): RawConnection {
  const ping = options.ping || undefined
  const pong = options.pong || undefined
  const decode = createDecoder(options.format)
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  // Sends made while disconnected, oldest first, and their total UTF-8 size. Built on the first such send: a
  // subscription that never sends offline holds no queue.
  let pending: PendingSend[] | undefined
  let pendingBytes = 0
  let socket: WsAttempt | undefined
  let closedError: SwitchlineError | undefined

  function write(text: string, resolve: PendingSend[2], reject: PendingSend[3]): void {
    try {
      ;(socket as WsAttempt).send(text)
      resolve({ eventId: undefined })
    } catch (cause) {
      reject(failed('send', cause))
    }
  }

  return {
    connect(ctx: AttemptContext): AttemptHandle {
      const platform = resolvePlatform(options.platform)
      const { timers } = platform
      let pinger: Pinger | undefined
      // Also how the connect timer stops at open (nothing else is running then).
      const teardown = (): void => {
        if (connectTimer !== undefined) timers.clearTimeout(connectTimer)
        connectTimer = undefined
        pinger?.stop()
        pinger = undefined
        if (socket === current) socket = undefined
      }
      /** A socket found dead (no open, no pong in time): dropped at once, and the attempt fails (`timeout`). */
      const timedOut = (why: string, message: string): void => {
        teardown()
        current.terminate(why)
        ctx.failed(new SwitchlineError('timeout', message))
      }
      const current = openWebSocket(
        url,
        options.protocols,
        {
          onOpen() {
            teardown()
            socket = current
            // Before `opened()`: an app that closes the subscription from onState('open') tears it down with the rest.
            if (ping) {
              pinger = createPinger({
                timers,
                intervalMs: ping.intervalMs ?? DEFAULT_PING_INTERVAL_MS,
                timeoutMs: ping.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS,
                sendPing: () => current.send(typeof ping.message === 'function' ? ping.message() : ping.message),
                onTimeout: () => timedOut('ping timeout', 'WebSocket ping timeout: no pong in time'),
              })
            }
            ctx.opened()
            while (socket && pending?.length) {
              const [text, bytes, resolve, reject] = pending.shift() as PendingSend
              pendingBytes = pending.length ? pendingBytes - bytes : 0
              write(text, resolve, reject)
            }
          },
          onMessage(text) {
            // Where the platform read it anyway (browsers): dropped, reported, and the socket stays.
            const bytes = bytesOver(text, maxMessageBytes)
            if (bytes !== undefined) return sink.error(messageTooLarge(maxMessageBytes, bytes))
            // A pong or a ping is proof of life, not an event.
            if (ping?.isPong(text)) return pinger?.pong()
            if (pong?.isPing(text)) {
              try {
                current.send(typeof pong.reply === 'function' ? pong.reply(text) : pong.reply)
              } catch (cause) {
                sink.error(failed('pong', cause))
              }
              return pinger?.pong()
            }
            try {
              // deliver() calls app code guarded: only the decoder throws here, and SwitchlineError('decode') only.
              sink.deliver(decode(text), {
                id: undefined,
                channel: undefined,
                event: 'message',
                transport: 'websocket',
              })
            } catch (error) {
              sink.error(error as SwitchlineError)
            }
          },
          onError: (error) => sink.error(error),
          onClose(close) {
            teardown()
            ctx.failed(classifyRawClose(close, options.closeCodes))
          },
        },
        platform,
        maxMessageBytes,
      )
      // From construction until open, then dropped: an upgrade nobody answers fails the attempt instead of hanging.
      // `0` (or `Infinity`): no connect timer.
      const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
      let connectTimer: TimerHandle =
        connectTimeoutMs > 0 && connectTimeoutMs < Infinity
          ? timers.setTimeout(() => {
              connectTimer = undefined
              timedOut('connect timeout', `WebSocket connect timed out: not open within ${connectTimeoutMs} ms`)
            }, clampDelay(connectTimeoutMs))
          : undefined
      return {
        close() {
          teardown()
          current.close()
        },
      }
    },
    send(data) {
      // A throw in here rejects the promise.
      return new Promise<SendResult>((resolve, reject) => {
        if (closedError) throw closedError
        let text: string
        try {
          text = options.format === 'text' ? String(data) : JSON.stringify(data)
        } catch (cause) {
          throw new SwitchlineError('invalid_options', `cannot encode the message: ${String(cause)}`, { cause })
        }
        if (socket) return write(text, resolve, reject)
        // Offline: queued, bounded by count and bytes (`sendQueue`, as the client's send queue); one that does not
        // fit rejects with queue_full and leaves the queue as it was.
        const bytes = utf8ByteLength(text)
        checkQueueRoom((pending ??= []).length, pendingBytes, bytes, options.sendQueue)
        pending.push([text, bytes, resolve, reject])
        pendingBytes += bytes
      })
    },
    close(failure) {
      closedError = failure
        ? new SwitchlineError('closed', `the subscription failed: ${failure.message}`, { cause: failure })
        : new SwitchlineError('closed', 'the subscription is closed')
      socket = undefined
      pendingBytes = 0
      for (const item of pending?.splice(0) ?? []) item[3](closedError)
    },
  }
}
