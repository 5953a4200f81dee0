/**
 * Servers the tail is run against, on 127.0.0.1 port 0, closed after each test: a plain `node:http` SSE server, a
 * plain `ws` server (neither is ours), and the reference `@switchline/server` with its fault injector.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { createSwitchlineServer, type SwitchlineServer, type SwitchlineServerOptions } from '@switchline/server'
import { createFaultInjector, type FaultInjector } from '@switchline/server/testing'

const disposers: (() => Promise<void> | void)[] = []

afterEach(async () => {
  for (const dispose of disposers.splice(0).reverse()) await dispose()
})

/** One request the plain SSE server got. */
export interface SeenRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/**
 * A plain `node:http` server: `handle(request, res, index)` answers the `index`-th request (0-based) after its
 * body was read. Returns its origin and every request seen.
 */
export async function plainHttpServer(
  handle: (request: SeenRequest, res: ServerResponse, index: number) => void,
): Promise<{ origin: string; requests: SeenRequest[] }> {
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => void (body += chunk))
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      requests.push(seen)
      handle(seen, res, requests.length - 1)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  disposers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

/** Starts an SSE answer (200, `text/event-stream`). */
export function openSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  res.flushHeaders()
}

/** Writes one SSE event block. */
export function writeEvent(res: ServerResponse, event: { id?: string; event?: string; data: string }): void {
  let block = ''
  if (event.id !== undefined) block += `id: ${event.id}\n`
  if (event.event !== undefined) block += `event: ${event.event}\n`
  for (const line of event.data.split('\n')) block += `data: ${line}\n`
  res.write(`${block}\n`)
}

/**
 * A plain `ws` server: `onConnection(socket, request, index)` for the `index`-th connection. `verifyStatus`
 * refuses upgrades with that HTTP status.
 */
export async function plainWsServer(
  onConnection: (socket: WebSocket, request: IncomingMessage, index: number) => void,
  options: { verifyStatus?: number } = {},
): Promise<{ url: string; upgrades: IncomingMessage[] }> {
  const upgrades: IncomingMessage[] = []
  const { verifyStatus } = options
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    ...(verifyStatus === undefined ? {} : { verifyClient: (_info, done) => done(false, verifyStatus) }),
  })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  wss.on('connection', (socket, request) => {
    upgrades.push(request)
    onConnection(socket, request, upgrades.length - 1)
  })
  disposers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resolve())
      }),
  )
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/feed`, upgrades }
}

/** The reference server with the demo's channel names (and no demo feed: tests publish), plus fault controls. */
export interface Reference {
  server: SwitchlineServer
  faults: FaultInjector
  baseUrl: string
}

/** Starts `@switchline/server` with its default options (channels ticker, clock, chat) on 127.0.0.1:0. */
export async function referenceServer(options: Partial<SwitchlineServerOptions> = {}): Promise<Reference> {
  const server = createSwitchlineServer({
    channels: { ticker: { send: false }, clock: { send: false }, chat: { send: true } },
    ...options,
  })
  const faults = createFaultInjector(server)
  const listener = await server.listen({ host: '127.0.0.1', port: 0 })
  disposers.push(() => listener.close())
  await server.ready()
  return { server, faults, baseUrl: listener.baseUrl }
}
