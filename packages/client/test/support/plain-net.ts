/**
 * Servers we did not write, for tests against the real network: a plain `node:http` server, a plain `ws` server
 * and a TCP proxy that can half-open its connections (stop forwarding without closing). All listen on 127.0.0.1,
 * port 0; everything a test started is closed after it. Waits are bounded, never fixed sleeps.
 */
import http, { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTcpServer, connect, type AddressInfo, type Socket } from 'node:net'
import { afterEach, vi } from 'vitest'
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws'

/** Resolves once `predicate()` holds, re-checking every few ms; rejects with `what` after `timeoutMs` of real time. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise<void>((resolve) => setTimeout(resolve, 5))
  }
}

/** A started plain `node:http` server. */
export interface PlainHttp {
  server: Server
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** Every request, in arrival order. */
  requests: IncomingMessage[]
}

/** A started plain `ws` server. */
export interface PlainWs {
  server: WebSocketServer
  /** `ws://127.0.0.1:<port>` */
  url: string
  port: number
  /** Every accepted socket, in order, with how it closed (code as the server saw it). */
  sockets: Array<{ socket: WebSocket; closed?: { code: number } }>
}

/** A TCP proxy in front of `127.0.0.1:<target>`. */
export interface HalfOpenProxy {
  /** `127.0.0.1:<port>` */
  host: string
  /** Client-side sockets the proxy still holds (accepted and not closed). */
  readonly openClientSockets: number
  /** From now on, existing connections forward nothing in either direction, and stay open. */
  halfOpen(): void
}

/**
 * Call once at the top of a test file: returns starters for plain servers; everything started is closed after each
 * test (connections first).
 */
export function usePlainNet() {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    vi.restoreAllMocks()
  })

  return {
    async http(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<PlainHttp> {
      const requests: IncomingMessage[] = []
      const server = createServer((req, res) => {
        requests.push(req)
        handler(req, res)
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      cleanups.push(async () => {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      })
      return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
    },

    async ws(
      onConnection: (socket: WebSocket, req: IncomingMessage) => void,
      options: ServerOptions = {},
    ): Promise<PlainWs> {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options })
      await new Promise<void>((resolve) => server.once('listening', resolve))
      const sockets: PlainWs['sockets'] = []
      server.on('connection', (socket, req) => {
        const entry: PlainWs['sockets'][number] = { socket }
        sockets.push(entry)
        socket.on('error', () => {})
        socket.on('close', (code) => (entry.closed = { code }))
        onConnection(socket, req)
      })
      cleanups.push(async () => {
        for (const client of server.clients) client.terminate()
        await new Promise((resolve) => server.close(resolve))
      })
      const { port } = server.address() as AddressInfo
      return { server, url: `ws://127.0.0.1:${port}`, port, sockets }
    },

    async proxy(targetPort: number): Promise<HalfOpenProxy> {
      const pairs: Array<{ client: Socket; upstream: Socket }> = []
      let open = 0
      const server = createTcpServer((client) => {
        open++
        const upstream = connect(targetPort, '127.0.0.1')
        const pair = { client, upstream }
        pairs.push(pair)
        client.on('data', (chunk) => upstream.write(chunk))
        upstream.on('data', (chunk) => client.write(chunk))
        // A client that goes away takes its upstream with it, as a real proxy would.
        client.on('close', () => {
          open--
          upstream.destroy()
        })
        upstream.on('close', () => client.destroy())
        client.on('error', () => {})
        upstream.on('error', () => {})
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      cleanups.push(async () => {
        for (const { client, upstream } of pairs) {
          client.destroy()
          upstream.destroy()
        }
        await new Promise((resolve) => server.close(resolve))
      })
      return {
        host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        get openClientSockets() {
          return open
        },
        halfOpen() {
          for (const { client, upstream } of pairs) {
            client.removeAllListeners('data')
            upstream.removeAllListeners('data')
            client.on('data', () => {}) // read and drop: the peer sees no back-pressure, and no answer
            upstream.on('data', () => {})
          }
        },
      }
    },

    /**
     * Counts, per request `node:http` makes, the body characters the client has read — observed after the
     * transport's own `data` listener, so when the count moves the transport has handled those bytes.
     */
    observeHttpReads(): { readonly chars: number } {
      const seen = { chars: 0 }
      const original = http.request
      vi.spyOn(http, 'request').mockImplementation(((...args: Parameters<typeof http.request>) => {
        const req = original(...args)
        queueMicrotask(() =>
          req.once('response', (res: IncomingMessage) =>
            res.on('data', (chunk: string | Buffer) => (seen.chars += chunk.length)),
          ),
        )
        return req
      }) as typeof http.request)
      return seen
    },
  }
}
