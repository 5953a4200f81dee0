/**
 * A plain `ws` server, as the `ws` README shows it: `new WebSocketServer({ server })`, JSON text messages, and the
 * README's heartbeat ("How to detect and close broken connections": a protocol ping every interval, `terminate()`
 * for a socket that did not pong since the last one) — here every {@link HEARTBEAT_MS}, the README's 30 s scaled
 * down so a case spans several rounds. The app answers a text `ping` with `pong` (the client's app-level ping in
 * the dead-stream case). Two hooks for the cases: `closeWith(code)` (a restart that closes with an app code) and
 * `appPings()` (the server's own `{"type":"ping"}`, closing sockets that miss a `{"type":"pong"}`).
 */
import { createServer } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import { createFeed } from '../harness/feed'
import { behindProxy, closeHttp, listenLocal } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { APP_PING, APP_PONG, CLIENT_PING, CLIENT_PONG } from './ws-messages'

/** The protocol-level heartbeat interval of the test server. */
export const HEARTBEAT_MS = 1_000

interface Peer {
  alive: boolean
  appPongPending: boolean
}

export const plainWs: ServerModule = {
  ...CATALOG['ws'],
  async start() {
    const feed = createFeed()
    const server = createServer()
    const wss = new WebSocketServer({ server })
    const peers = new Map<WebSocket, Peer>()
    wss.on('connection', (ws) => {
      const peer: Peer = { alive: true, appPongPending: false }
      peers.set(ws, peer)
      ws.on('error', () => {})
      ws.on('pong', () => {
        peer.alive = true
      })
      ws.on('message', (raw, isBinary) => {
        const text = isBinary ? '' : String(raw)
        if (text === CLIENT_PING) ws.send(CLIENT_PONG)
        if (text === APP_PONG) peer.appPongPending = false
      })
      const stop = feed.listen((events) => {
        for (const event of events) ws.send(JSON.stringify(event.data))
      })
      feed.streams.push({ method: 'GET', lastEventId: null })
      ws.on('close', () => {
        stop()
        peers.delete(ws)
      })
    })
    const heartbeat = setInterval(() => {
      for (const [ws, peer] of peers) {
        if (!peer.alive) {
          ws.terminate()
          continue
        }
        peer.alive = false
        ws.ping()
      }
    }, HEARTBEAT_MS)
    let appPings: ReturnType<typeof setInterval> | undefined
    const port = await listenLocal(server)
    return behindProxy({
      id: 'ws',
      kind: 'websocket',
      port,
      path: '/',
      resumes: false,
      heartbeatMs: HEARTBEAT_MS,
      feed,
      closeWith(code, reason) {
        for (const ws of peers.keys()) ws.close(code, reason)
      },
      appPings(intervalMs) {
        clearInterval(appPings)
        appPings = setInterval(() => {
          for (const [ws, peer] of peers) {
            if (peer.appPongPending) {
              ws.terminate()
              continue
            }
            peer.appPongPending = true
            ws.send(APP_PING)
          }
        }, intervalMs)
      },
      async closeServer() {
        clearInterval(heartbeat)
        clearInterval(appPings)
        for (const ws of peers.keys()) ws.terminate()
        await new Promise<void>((resolve) => wss.close(() => resolve()))
        await closeHttp(server)
      },
    })
  },
}
