/** `server.listen()`: a `node:http` server wired to `handleRequest` and `handleUpgrade`. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { errorBody, refuseUpgrade } from './http-util'

/** Where to listen. */
export interface ListenOptions {
  /** @defaultValue `'127.0.0.1'` */
  host?: string
  /** `0` picks a free port. @defaultValue `0` */
  port?: number
}

/** A listening server. */
export interface SwitchlineListener {
  /** `http://host:port` */
  url: string
  /** `url` + base path, e.g. `http://127.0.0.1:41234/rt` — the `B` of the protocol. */
  baseUrl: string
  port: number
  /** Closes the server (all connections) and this listener. */
  close(): Promise<void>
}

interface Mountable {
  readonly basePath: string
  handleRequest(req: IncomingMessage, res: ServerResponse): void
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  close(): Promise<void>
}

/** A listener plus the way to close only its `node:http` server (used by `server.close()`). */
export interface Listening {
  listener: SwitchlineListener
  closeHttp(): Promise<void>
}

/** Listens with a fresh `node:http` server. */
export async function listen(server: Mountable, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1'
  const http = createServer((req, res) => server.handleRequest(req, res))
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!server.handleUpgrade(req, socket, head)) refuseUpgrade(socket, 404, errorBody('not_found', 'not found'))
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject)
      resolve()
    })
  })
  const { port } = http.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  let closing: Promise<void> | undefined
  const closeHttp = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      http.close(() => resolve())
      http.closeAllConnections()
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
