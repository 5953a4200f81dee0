/**
 * The WebSocket the CLI hands the client through `platform.WebSocket`: the `ws` package with the `-H` headers on
 * the upgrade request (a browser WebSocket cannot send headers, so the client's own options have none), and a
 * report of the HTTP status of a refused upgrade (the client sees only a 1006 close).
 */
import WebSocket, { type ClientOptions } from 'ws'
import type { WebSocketConstructor } from '@switchline/client'

/** What `ws` says when the server answers the upgrade with something other than 101. */
const REFUSED = /^Unexpected server response: (\d{3})\b/

/**
 * Returns a WebSocket constructor that sends `headers` with every upgrade and calls `onRefused(status)` when an
 * upgrade is answered with an HTTP status instead of 101.
 * @example
 * subscribe('ws://127.0.0.1:9000/feed', { platform: { WebSocket: headerWebSocket({ authorization: 'Bearer x' }, report) } })
 */
export function headerWebSocket(
  headers: Record<string, string>,
  onRefused: (status: number) => void,
): WebSocketConstructor {
  class HeaderWebSocket extends WebSocket {
    // The client passes `{ maxPayload }` (its `maxMessageBytes`) as the third argument: keep it, or `ws` applies
    // its own 100 MiB default and reads an oversized message into memory.
    constructor(url: string, protocols?: string | string[], options?: ClientOptions) {
      super(url, protocols, { ...options, headers })
      // Beside the client's `onerror`: `ws` emits the refused upgrade as an error before the 1006 close.
      this.on('error', (error: Error) => {
        const status = REFUSED.exec(error.message)?.[1]
        if (status !== undefined) onRefused(Number(status))
      })
    }
  }
  return HeaderWebSocket as unknown as WebSocketConstructor
}
