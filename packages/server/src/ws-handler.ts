/**
 * Upgrades on `B/ws`: origin (R21), subprotocol (R2) and admission checks before the upgrade, then ws. A "try again
 * later" (restart down window, `maxConnectionsPerSecond`) is an accepted upgrade closed at once with 1013.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { CLOSE_CODES, SUBPROTOCOL, type ErrorPayload } from '@switchline/client/protocol'
import { errorBody, isOriginAllowed, ORIGIN_REFUSED, refuseUpgrade, retryAfterHeader } from './http-util'
import type { ServerCore } from './server-core'
import { startWsConnection } from './ws-connection'

/** The WebSocket side of a server. */
export interface WsHandler {
  /** Checks and upgrades one request already known to be for `B/ws`, on a server not yet closed (the caller checks). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Answers an upgrade with an HTTP error on the raw socket, counted in `upgradesRefused`. */
  refuse(socket: Duplex, status: number, body: ErrorPayload, headers?: Record<string, string>): void
  /**
   * Closes the ws server; resolves when every socket has closed. Stragglers are terminated after `graceMs` on the
   * server's (injected) timers.
   */
  close(graceMs: number): Promise<void>
}

/** The `retry-after` of an upgrade closed at once because the engine is not ready. */
const ENGINE_RETRY_MS = 1000

/**
 * A socket's error listener, one for every socket: a closure here would keep the upgrade request (and everything
 * the upgrade's scope holds) alive as long as the connection.
 */
function destroySocket(this: Duplex): void {
  this.destroy()
}

/** Whether the request offers the Switchline subprotocol. */
export function offersSubprotocol(req: IncomingMessage): boolean {
  const header = req.headers['sec-websocket-protocol']
  if (header === undefined) return false
  return header.split(',').some((p) => p.trim() === SUBPROTOCOL)
}

/** Creates the WebSocket handler of a server. */
export function createWsHandler(core: ServerCore): WsHandler {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: core.options.maxFrameBytes, // R18: ws closes with 1009 beyond this
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    clientTracking: true,
  })
  let closing = false

  const refuse: WsHandler['refuse'] = (socket, status, body, headers) => {
    core.counters.upgradesRefused += 1
    refuseUpgrade(socket, status, body, headers)
  }

  /** "Try again later" that a browser can see: open, then close 1013 `retry-after=<ms>` (docs/protocol.md §7). */
  const closeAfterUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, retryAfterMs: number): void => {
    core.counters.closedAtUpgrade += 1
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate())
      ws.close(CLOSE_CODES.try_again_later, `retry-after=${Math.max(0, Math.ceil(retryAfterMs))}`)
    })
  }

  return {
    refuse,
    upgrade(req, socket, head) {
      socket.on('error', destroySocket)
      if (!isOriginAllowed(req, core.options.allowedOrigins)) {
        return refuse(socket, 403, errorBody('forbidden', ORIGIN_REFUSED))
      }
      if (!offersSubprotocol(req)) {
        return refuse(socket, 400, errorBody('unsupported_protocol', `subprotocol ${SUBPROTOCOL} required`))
      }
      const refusal = core.admit('upgrade', req)
      if (refusal?.closeAfterUpgrade)
        return closeAfterUpgrade(req, socket, head, refusal.closeAfterUpgrade.retryAfterMs)
      if (refusal) {
        return refuse(
          socket,
          refusal.status,
          errorBody(refusal.code, refusal.message),
          retryAfterHeader(refusal.retryAfterSeconds),
        )
      }
      const limitedMs = core.limitConnection('ws')
      if (limitedMs !== undefined) return closeAfterUpgrade(req, socket, head, limitedMs)
      // New streams are refused retryably while the engine cannot serve them (its backend is unreachable).
      if (!core.engine.health().ready) return closeAfterUpgrade(req, socket, head, ENGINE_RETRY_MS)
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('error', destroySocket) // ws handles the socket's errors from here on
        if (closing) {
          ws.close(CLOSE_CODES.going_away, 'server shutting down')
          return
        }
        startWsConnection(core, ws, req)
      })
    },
    async close(graceMs) {
      closing = true
      const sockets = [...wss.clients]
      const closed = sockets.map(
        (ws) => new Promise<void>((resolve) => (ws.readyState === 3 ? resolve() : ws.once('close', () => resolve()))),
      )
      const { timers } = core.options
      let timer: unknown
      const grace = new Promise<void>((resolve) => {
        const handle = timers.setTimeout(resolve, graceMs) as { unref?: () => void }
        handle.unref?.() // a global timer must not keep the process alive
        timer = handle
      })
      await Promise.race([Promise.all(closed), grace])
      timers.clearTimeout(timer)
      for (const ws of wss.clients) ws.terminate()
      await Promise.all(closed)
      await new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}
