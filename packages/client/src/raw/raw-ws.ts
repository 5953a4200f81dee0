/**
 * The WebSocket side of raw `subscribe()`: any WebSocket endpoint, text messages decoded per `format`, an
 * optional application-level ping with a pong matcher, and `send()` with a queue bounded by count and bytes while
 * disconnected.
 */
import { BoundedQueue, utf8ByteLength } from '../core/bounded-queue'
import { createDecoder } from '../core/decode'
import { SwitchlineError } from '../core/errors'
import {
  createPinger,
  createWatchdog,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_PING_TIMEOUT_MS,
  type Pinger,
  type Watchdog,
} from '../core/liveness'
import { resolvePlatform } from '../platform/platform'
import type { RawConnection } from './start-raw'
import { classifyRawClose } from './raw-ws-close'
import type { SubscriptionSink } from './subscription-core'
import type { AttemptContext, AttemptHandle, WsAttempt } from '../core/transport-types'
import { bytesOver, DEFAULT_MAX_MESSAGE_BYTES, messageTooLarge, openWebSocket } from '../ws/ws'
import type { SendResult, SubscribeOptions } from '../types'

interface PendingSend {
  text: string
  resolve(result: SendResult): void
  reject(error: SwitchlineError): void
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
  const decode = createDecoder(options.format ?? 'json')
  const encode = (data: unknown): string => (options.format === 'text' ? String(data) : JSON.stringify(data))
  const ping = options.ping || undefined
  const pong = options.pong || undefined
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
  // Sends made while disconnected, bounded by count and bytes (`sendQueue`); one that does not fit rejects.
  // Built on the first such send: a subscription that never sends offline holds no queue.
  let pending: BoundedQueue<PendingSend> | undefined
  let socket: WsAttempt | undefined
  let closedError: SwitchlineError | undefined

  /** Delivers one message; returns true for a pong or a ping (proof of life, not an event). */
  function onMessage(text: string, current: WsAttempt | undefined): boolean {
    // Where the platform read it anyway (browsers): dropped, reported, and the socket stays.
    const bytes = bytesOver(text, maxMessageBytes)
    if (bytes !== undefined) {
      sink.error(messageTooLarge(maxMessageBytes, bytes))
      return false
    }
    if (ping?.isPong(text)) return true
    if (pong?.isPing(text)) {
      try {
        current?.send(typeof pong.reply === 'function' ? pong.reply(text) : pong.reply)
      } catch (cause) {
        sink.error(new SwitchlineError('network', `WebSocket pong failed: ${String(cause)}`, { cause }))
      }
      return true
    }
    let value: unknown
    try {
      value = decode(text)
    } catch (error) {
      sink.error(error as SwitchlineError) // the decoder throws SwitchlineError('decode') only
      return false
    }
    sink.deliver(value, { id: undefined, channel: undefined, event: 'message', transport: 'websocket' })
    return false
  }

  function flush(): void {
    while (socket && pending && pending.size > 0) write(pending.shift() as PendingSend)
  }

  function write(item: PendingSend): void {
    try {
      ;(socket as WsAttempt).send(item.text)
      item.resolve({ eventId: undefined })
    } catch (cause) {
      item.reject(new SwitchlineError('network', `WebSocket send failed: ${String(cause)}`, { cause }))
    }
  }

  function connect(ctx: AttemptContext): Promise<AttemptHandle> {
    const platform = resolvePlatform(options.platform)
    let pinger: Pinger | undefined
    let current: WsAttempt | undefined
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    // From construction until open, then dropped: an upgrade nobody answers fails the attempt instead of hanging.
    let connectTimer: Watchdog | undefined = createWatchdog(platform.timers, connectTimeoutMs, () => {
      teardown()
      current?.terminate('connect timeout')
      ctx.failed(new SwitchlineError('timeout', `WebSocket connect timed out: not open within ${connectTimeoutMs} ms`))
    })
    const teardown = (): void => {
      connectTimer?.stop()
      connectTimer = undefined
      pinger?.stop()
      pinger = undefined
      if (socket === current) socket = undefined
    }
    try {
      current = openWebSocket(
        url,
        options.protocols,
        {
          onOpen() {
            connectTimer?.stop()
            connectTimer = undefined
            socket = current
            ctx.opened()
            if (ping) {
              pinger = createPinger({
                timers: platform.timers,
                intervalMs: ping.intervalMs ?? DEFAULT_PING_INTERVAL_MS,
                timeoutMs: ping.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS,
                sendPing: () => current?.send(typeof ping.message === 'function' ? ping.message() : ping.message),
                onTimeout() {
                  teardown()
                  current?.terminate('ping timeout')
                  ctx.failed(new SwitchlineError('timeout', 'WebSocket ping timeout: no pong in time'))
                },
              })
            }
            flush()
          },
          onMessage(text) {
            if (onMessage(text, current)) pinger?.pong()
          },
          onError: (error) => sink.error(error),
          onClose({ code, reason }) {
            teardown()
            ctx.failed(classifyRawClose({ code, reason }, options.closeCodes))
          },
        },
        platform,
        maxMessageBytes,
      )
    } catch (error) {
      teardown()
      throw error
    }
    const attempt = current
    return Promise.resolve({
      close() {
        teardown()
        attempt.close()
      },
    })
  }

  return {
    connect,
    send(data) {
      if (closedError) return Promise.reject(closedError)
      let text: string
      try {
        text = encode(data)
      } catch (cause) {
        return Promise.reject(
          new SwitchlineError('invalid_options', `cannot encode the message: ${String(cause)}`, { cause }),
        )
      }
      return new Promise<SendResult>((resolve, reject) => {
        const item = { text, resolve, reject }
        if (socket) {
          write(item)
          return
        }
        try {
          ;(pending ??= new BoundedQueue(options.sendQueue)).push(item, utf8ByteLength(text))
        } catch (error) {
          reject(error) // the queue throws SwitchlineError('queue_full') only
        }
      })
    },
    close(error) {
      closedError ??= error
      socket = undefined
      for (const item of pending?.clear() ?? []) item.reject(closedError)
    },
  }
}
