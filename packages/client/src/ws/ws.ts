/**
 * One WebSocket attempt over `platform.WebSocket` (browser `WebSocket`, msw's interceptor, or the `ws` package):
 * text frames only, stale-callback-safe. Never reconnects.
 */
import { utf8ByteLength } from '../core/bounded-queue'
import { invalidOptions, SwitchlineError, type SwitchlineErrorDetails } from '../core/errors'
import type { Platform, WebSocketLike } from '../core/platform-types'
import type { WsAttempt, WsAttemptHandlers } from '../core/transport-types'

const noop = (): void => {}

/** Default `maxMessageBytes`: the largest incoming WebSocket message (1 MiB, as raw SSE's largest event). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576

/**
 * The UTF-8 size of `text` when it is over `limit` bytes, else `undefined`; cheap for the usual small message
 * (a UTF-16 unit is at most 3 bytes, and never less than 1).
 */
export function bytesOver(text: string, limit: number): number | undefined {
  if (text.length * 3 <= limit) return undefined
  const bytes = text.length > limit ? text.length : utf8ByteLength(text)
  return bytes > limit ? bytes : undefined
}

/**
 * The error of an incoming message over `maxMessageBytes`: `payload_too_large`, not fatal. `bytes` is `undefined`
 * when the message was never read (`ws`'s `maxPayload`; then `closeCode` is 1009).
 */
export function messageTooLarge(
  limit: number,
  bytes: number | undefined,
  details: SwitchlineErrorDetails = {},
  what = 'message',
): SwitchlineError {
  const size = bytes === undefined ? 'not read, closing with 1009' : `${bytes} B, dropped`
  return new SwitchlineError('payload_too_large', `WebSocket ${what} over maxMessageBytes (${limit}): ${size}`, details)
}

/**
 * Opens one WebSocket. Callbacks fire only until the attempt is over: after `onClose`, `close()`, `closeWith()` or
 * `terminate()` nothing more is called. Binary messages are reported as `malformed_frame` through `onError` and
 * dropped. `closeWith` is for local decisions with a closing handshake; `terminate` for a socket found dead (no
 * pong, no open in time): no handshake to wait for. Neither fires `onClose` — the owner already knows why.
 *
 * @throws SwitchlineError `invalid_options` (fatal) when the constructor rejects the URL or protocols.
 * @example
 * const attempt = openWebSocket('wss://example.com/feed', undefined, { onOpen, onMessage, onError, onClose }, platform)
 * attempt.send('{"op":"subscribe"}')
 */
export function openWebSocket(
  url: string,
  protocols: string | string[] | undefined,
  handlers: WsAttemptHandlers,
  platform: Platform,
  maxPayload: number,
): WsAttempt {
  try {
    // The `ws` package reads `maxPayload` from a third argument; browsers ignore it (and `undefined` protocols).
    // (Only the constructor can throw here: SocketAttempt's own constructor does not.)
    return new SocketAttempt(new platform.WebSocket(url, protocols, { maxPayload }), handlers, maxPayload)
  } catch (cause) {
    throw invalidOptions(`cannot open WebSocket: ${String(cause)}`, cause)
  }
}

/**
 * The attempt as a class, its `bufferedAmount` getter on the prototype
 * (V8 memory notes §1, §3: docs/decisions/0021-v8-memory-notes.md).
 */
class SocketAttempt implements WsAttempt {
  #done = false
  #opened = false
  readonly #socket: WebSocketLike
  readonly #handlers: WsAttemptHandlers

  constructor(socket: WebSocketLike, handlers: WsAttemptHandlers, maxPayload: number) {
    this.#socket = socket
    this.#handlers = handlers
    try {
      socket.binaryType = 'arraybuffer'
    } catch {
      // Not settable everywhere; binary frames are rejected whatever their type.
    }
    socket.onopen = () => {
      if (this.#done) return
      this.#opened = true
      handlers.onOpen()
    }
    socket.onmessage = (ev) => {
      if (this.#done) return
      if (typeof ev.data === 'string') handlers.onMessage(ev.data)
      else handlers.onError(new SwitchlineError('malformed_frame', 'binary WebSocket message dropped (text only)'))
    }
    // An error is followed by a close, which carries the code. Except for `ws`'s maxPayload: the frame was never
    // read, `ws` sends close 1009 and finishes the closing handshake on its own (within its 30 s close timeout),
    // while the owner hears about it now, as a 1009 close.
    socket.onerror = (ev) => {
      // The `ws` package's error for a frame over `maxPayload` (it closes the socket with 1009).
      if ((ev as { error?: { code?: unknown } } | null)?.error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.#end(1009, 'message too big', messageTooLarge(maxPayload, undefined, { closeCode: 1009 }))
      }
    }
    socket.onclose = (ev) => this.#end(ev.code, ev.reason)
  }

  /** The socket closed (or `ws` gave up on an oversized frame, `error` first): the owner hears it once. */
  #end(code: number, reason: string, error?: SwitchlineError): void {
    if (this.#done) return
    this.#detach()
    if (error) this.#handlers.onError(error)
    this.#handlers.onClose({ code, reason, opened: this.#opened })
  }

  // Keep no-op handlers rather than null: the `ws` package throws on an 'error' event without a listener.
  #detach(): void {
    this.#done = true
    const socket = this.#socket
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = noop
  }

  send(text: string): void {
    // readyState 1: OPEN
    if (this.#done || this.#socket.readyState !== 1) throw new SwitchlineError('closed', 'WebSocket is not open')
    this.#socket.send(text)
  }
  close(): void {
    this.closeWith(1000, '')
  }
  /**
   * The `ws` package's `terminate()` destroys the TCP socket at once: its `close()` would send a close frame into a
   * dead connection and hold the socket until the peer answers or `ws` gives up (30 s). Browsers have only
   * `close(1000, reason)`; either way every callback is detached first, so nothing of the dead socket arrives later.
   */
  terminate(reason: string): void {
    const socket = this.#socket
    if (this.#done || !socket.terminate) return this.closeWith(1000, reason)
    this.#detach()
    socket.terminate() // ws's terminate() does not throw
  }
  /** Browsers accept 1000 and 3000–4999 in `close(code)`; any other code closes with 1000. */
  closeWith(code: number, reason: string): void {
    if (this.#done) return
    this.#detach()
    const socket = this.#socket
    try {
      socket.close(code >= 3000 && code < 5000 && Number.isInteger(code) ? code : 1000, reason)
    } catch {
      // Some implementations throw on a reason over 123 bytes; the socket is gone for us either way.
      try {
        socket.close()
      } catch {
        // ignore
      }
    }
  }
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount
  }
}
