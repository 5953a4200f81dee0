/**
 * Servers we did not write, written in the test: a plain `node:http` SSE server and a plain `ws` server, each on
 * 127.0.0.1 port 0, closed (with their connections) after each test. The SSE server records every request as the
 * wire carried it: a non-ASCII `Last-Event-ID` is decoded from its raw bytes (Node hands header bytes over as
 * latin1), so a test sees exactly what a browser's `EventSource` would have sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'

/** One request as the SSE server saw it. */
export interface SeenRequest {
  method: string
  /** Header values as Node parsed them (latin1 per byte). */
  headers: IncomingMessage['headers']
  /** The `Last-Event-ID` header's bytes decoded as UTF-8, or `null` when absent. */
  lastEventId: string | null
  body: string
}

/** Answers one request; `index` is 0 for the first request the server got. */
export type SseHandler = (res: ServerResponse, request: SeenRequest, index: number) => void

const servers: Array<Server | WebSocketServer> = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    if (server instanceof WebSocketServer) {
      for (const client of server.clients) client.terminate()
      await new Promise((resolve) => server.close(resolve))
    } else {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
})

/** The headers of an event stream; `flushHeaders()` sends them before any byte of the body, as Hono and h3 do. */
export const STREAM_HEAD = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
}

/** Starts a plain `node:http` server; every request goes to `handler` once its body is read. */
export async function listenSse(handler: SseHandler): Promise<{ url: string; requests: SeenRequest[] }> {
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const raw = req.headers['last-event-id']
      const lastEventId = typeof raw === 'string' ? Buffer.from(raw, 'latin1').toString('utf8') : null
      const seen: SeenRequest = { method: req.method ?? '', headers: req.headers, lastEventId, body }
      requests.push(seen)
      handler(res, seen, requests.length - 1)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`, requests }
}

/** Starts a plain `ws` server; `onConnection` gets each socket and its 0-based index. */
export async function listenWs(
  onConnection: (socket: WebSocket, index: number) => void,
): Promise<{ url: string; connections: () => number }> {
  let count = 0
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  servers.push(server)
  server.on('connection', (socket) => onConnection(socket, count++))
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/feed`, connections: () => count }
}

/**
 * Waits until `predicate()` holds, letting I/O run between checks, and firing the client's due timers of delay 0
 * through `advance` (a manual clock's backoff of 0). Bounded by wall-clock time, not by a count of turns: on a
 * loaded machine the first `fetch` of a worker (undici loading) alone took 550 of the 2000 turns once allowed, and
 * more than 2000 under the full suite. No sleeping: each check is one `setImmediate` turn.
 */
export async function until(predicate: () => boolean, advance?: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`)
    advance?.()
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
