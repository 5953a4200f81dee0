/**
 * One WebSocket attempt over `platform.WebSocket` (browser `WebSocket`, msw's interceptor, or the `ws` package):
 * text frames only, stale-callback-safe. Never reconnects.
 */
import { invalidOptions, SwitchlineError } from '../core/errors'
import type { Platform, WebSocketLike } from '../core/platform-types'
import type { WsAttempt, WsAttemptHandlers } from '../core/transport-types'

const OPEN = 1
const noop = (): void => {}

/** Whether browsers accept `code` in `WebSocket.close(code)`: 1000 or 3000–4999. */
function isSendableCloseCode(code: number): boolean {
  return code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999)
}

/**
 * Opens one WebSocket. Callbacks fire only until the attempt is over: after `onClose`, `close()` or
 * `closeWith()` nothing more is called. Binary messages are reported as `malformed_frame` through `onError` and
 * dropped. `closeWith` is for local decisions (e.g. `closeWith(1000, 'ping timeout')`): it closes the socket and,
 * like `close()`, fires no `onClose` — the owner already knows why.
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
): WsAttempt {
  const WebSocketImpl = platform.WebSocket
  let socket: WebSocketLike
  try {
    socket = protocols === undefined ? new WebSocketImpl(url) : new WebSocketImpl(url, protocols)
  } catch (cause) {
    throw invalidOptions(`cannot open WebSocket: ${String(cause)}`, cause)
  }
  return new SocketAttempt(socket, handlers)
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

  constructor(socket: WebSocketLike, handlers: WsAttemptHandlers) {
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
    socket.onerror = noop // an error is always followed by a close, which carries the code
    socket.onclose = (ev) => {
      if (this.#done) return
      this.#detach()
      this.#handlers.onClose({ code: ev.code, reason: ev.reason, opened: this.#opened })
    }
  }

  // Keep no-op handlers rather than null: the `ws` package throws on an 'error' event without a listener.
  #detach(): void {
    this.#done = true
    const socket = this.#socket
    socket.onopen = noop
    socket.onmessage = noop
    socket.onerror = noop
    socket.onclose = noop
  }

  send(text: string): void {
    if (this.#done || this.#socket.readyState !== OPEN) throw new SwitchlineError('closed', 'WebSocket is not open')
    this.#socket.send(text)
  }
  close(): void {
    this.closeWith(1000, '')
  }
  closeWith(code: number, reason: string): void {
    if (this.#done) return
    this.#detach()
    const socket = this.#socket
    try {
      socket.close(isSendableCloseCode(code) ? code : 1000, reason)
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
