/**
 * Puts a started server behind the TCP proxy and builds its {@link ServerHandle} from the shared feed.
 */
import type { AddressInfo, Server } from 'node:net'
import type { Feed } from './feed'
import { startProxy } from './proxy'
import type { ServerHandle, UserOptions } from './types'

export interface HandleSpec {
  id: string
  kind: 'sse' | 'websocket'
  /** The port the library's server listens on (127.0.0.1). */
  port: number
  /** The stream endpoint's path, e.g. `'/events'`. */
  path: string
  /** The OpenAI-style base path, e.g. `'/v1'`, when the server has a chat-completions endpoint. */
  llmPath?: string
  resumes: boolean
  heartbeatMs?: number
  userOptions?: UserOptions
  feed: Feed
  /** Closes the library's server and every connection it holds. */
  closeServer(): Promise<void>
  closeWith?(code: number, reason: string): void
  appPings?(intervalMs: number): void
}

export async function behindProxy(spec: HandleSpec): Promise<ServerHandle> {
  const proxy = await startProxy(spec.port)
  const scheme = spec.kind === 'sse' ? 'http' : 'ws'
  const base = `${scheme}://127.0.0.1:${proxy.port}`
  const { feed } = spec
  return {
    id: spec.id,
    kind: spec.kind,
    url: `${base}${spec.path}`,
    llmBaseUrl: spec.llmPath === undefined ? undefined : `http://127.0.0.1:${proxy.port}${spec.llmPath}`,
    resumes: spec.resumes,
    heartbeatMs: spec.heartbeatMs,
    userOptions: spec.userOptions ?? {},
    async publish(items) {
      feed.publish(items)
    },
    async streams() {
      return [...feed.streams]
    },
    async llmRequests() {
      return [...feed.llm]
    },
    async drop() {
      proxy.drop()
    },
    async freeze() {
      proxy.freeze()
    },
    async closeWith(code, reason) {
      if (!spec.closeWith) throw new Error(`${spec.id}: closeWith() is a WebSocket hook`)
      spec.closeWith(code, reason)
    },
    async appPings(intervalMs) {
      if (!spec.appPings) throw new Error(`${spec.id}: appPings() is a WebSocket hook`)
      spec.appPings(intervalMs)
    },
    async close() {
      await proxy.close()
      await spec.closeServer()
    },
  }
}

/** Listens a `node:http`-style server on 127.0.0.1:0 and returns its port. */
export function listenLocal(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

/** Closes a `node:http` server and every connection it still holds. */
export function closeHttp(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections?.()
  })
}

/**
 * Listens `server` (a `node:http` server: the library's app mounted on it) on 127.0.0.1:0 and puts the proxy in
 * front of it; closing the handle closes the server and every connection it holds.
 */
export async function serveBehindProxy(
  server: Server & { closeAllConnections?: () => void },
  spec: Omit<HandleSpec, 'port' | 'closeServer'>,
): Promise<ServerHandle> {
  const port = await listenLocal(server)
  return behindProxy({ ...spec, port, closeServer: () => closeHttp(server) })
}

/** A Fastify instance, as far as {@link fastifyBehindProxy} uses it. */
interface FastifyLike {
  listen(options: { host: string; port: number }): Promise<unknown>
  readonly server: Server & { closeAllConnections(): void }
  close(): Promise<unknown>
}

/** Listens a Fastify app on 127.0.0.1:0 and puts the proxy in front of it; closing the handle closes the app. */
export async function fastifyBehindProxy(
  app: FastifyLike,
  spec: Omit<HandleSpec, 'port' | 'closeServer'>,
): Promise<ServerHandle> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error(`${spec.id}: no TCP address`)
  return behindProxy({
    ...spec,
    port: address.port,
    closeServer: async () => {
      app.server.closeAllConnections()
      await app.close()
    },
  })
}

/** Tracks a server's sockets; `destroyAll()` breaks every connection it holds (the server side of a crash). */
export function trackSockets(server: Server): { destroyAll(): void } {
  const sockets = new Set<import('node:net').Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return {
    destroyAll() {
      for (const socket of sockets) socket.destroy()
    },
  }
}
