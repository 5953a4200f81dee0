/**
 * `server.listen()`: a `node:http` server wired to `handleRequest` and `handleUpgrade` — or, with `tls`, a
 * `node:http2` secure server with HTTP/1.1 fallback (`allowHTTP1`): SSE and publish ride HTTP/2 where the client
 * offers it (many streams over one TCP connection, so the browser limit of six HTTP/1.1 connections per origin does
 * not apply), and WebSocket upgrades arrive over HTTP/1.1 on the same port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { errorBody, refuseUpgrade } from './http-util'

/** A certificate and its key, PEM, for `listen({ tls })`. */
export interface TlsOptions {
  /** The certificate chain (PEM): the server's certificate first, then intermediates. */
  cert: string | Buffer
  /** The private key (PEM). */
  key: string | Buffer
  /** The key's passphrase, when it is encrypted. */
  passphrase?: string
}

/** Where to listen. */
export interface ListenOptions {
  /** @defaultValue `'127.0.0.1'` */
  host?: string
  /** `0` picks a free port. @defaultValue `0` */
  port?: number
  /**
   * Serve HTTPS with this certificate: HTTP/2 (ALPN `h2`) with HTTP/1.1 fallback, WebSocket upgrades over HTTP/1.1
   * (`wss:`). Without it the server speaks plain HTTP/1.1.
   * @defaultValue `undefined` (plain HTTP)
   * @example
   * ```ts
   * await server.listen({ port: 8443, tls: { cert: readFileSync('cert.pem'), key: readFileSync('key.pem') } })
   * ```
   */
  tls?: TlsOptions
}

/** A listening server. */
export interface SwitchlineListener {
  /** `http://host:port` (`https://` with `tls`) */
  url: string
  /** `url` + base path, e.g. `http://127.0.0.1:41234/rt` — the `B` of the protocol. */
  baseUrl: string
  port: number
  /** Closes the server (all connections) and this listener. */
  close(): Promise<void>
}

interface Mountable {
  readonly basePath: string
  handleRequest(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  close(): Promise<void>
}

/** A listener plus the way to close only its HTTP server (used by `server.close()`). */
export interface Listening {
  listener: SwitchlineListener
  closeHttp(): Promise<void>
}

/** Each listening server's open TCP connections (found from a socket through `socket.server`). */
const openSockets = new WeakMap<object, Set<Socket>>()

/** A socket's `close` listener, one for every socket (a closure each would cost more than the entry in the set). */
function forgetSocket(this: Socket & { server?: object }): void {
  if (this.server) openSockets.get(this.server)?.delete(this)
}

/** Listens with a fresh `node:http` server, or a `node:http2` secure one with `tls`. */
export async function listen(server: Mountable, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1'
  // HTTP/2 requests reach handleRequest through node:http2's compatibility API (Http2ServerRequest/Response);
  // HTTP/1.1 ones (allowHTTP1) are node:http's own.
  const http = options.tls
    ? createSecureServer({ ...options.tls, allowHTTP1: true }, (req, res) => server.handleRequest(req, res))
    : createServer((req, res) => server.handleRequest(req, res))
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!server.handleUpgrade(req, socket, head)) refuseUpgrade(socket, 404, errorBody('not_found', 'not found'))
  })
  // Every TCP connection, whatever it carries (an HTTP/2 session, HTTP/1.1, an upgraded WebSocket), so that close
  // ends them all: node:http2 has no closeAllConnections().
  const sockets = new Set<Socket>()
  openSockets.set(http, sockets)
  http.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', forgetSocket)
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject)
      resolve()
    })
  })
  const { port } = http.address() as AddressInfo
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`
  let closing: Promise<void> | undefined
  const closeHttp = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      http.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    }))
  const listener: SwitchlineListener = {
    url,
    baseUrl: url + server.basePath,
    port,
    async close() {
      await server.close()
      await closeHttp()
    },
  }
  return { listener, closeHttp }
}
