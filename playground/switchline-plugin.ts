/**
 * A Vite plugin that embeds the Switchline demo server in Vite's dev server: `handleRequest` on Vite's
 * middlewares (before Vite's own), `handleUpgrade` on the HTTP server's `upgrade` event for `<basePath>/ws` only
 * (Vite's HMR socket keeps working), demo channels publishing, and fault injection over HTTP (`faults: true`).
 *
 * The server package is loaded through Vite's SSR module loader with the `@switchline/source` condition, so the playground
 * runs from TypeScript sources without a build.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin, ViteDevServer } from 'vite'
import type { SwitchlineServer, SwitchlineServerOptions, DemoOptions } from '@switchline/server'

/** The base path the embedded server is mounted at unless `server.basePath` says otherwise. */
export const BASE_PATH = '/rt'

/** Options of {@link switchlinePlugin}. */
export interface SwitchlinePluginOptions {
  /** Server options over the playground's defaults (demo channels, `faults: true`, base path `/rt`). */
  server?: Partial<SwitchlineServerOptions>
  /** Demo feed options, or `false` for no demo publishing. @defaultValue `{}` */
  demo?: DemoOptions | false
  /**
   * Mounts the test-only routes under `/__playground/` (server-side publish, the log of answered requests) and
   * records that log. Off unless asked for: `serve.ts` turns it on for the e2e suite; `pnpm start` never does.
   * @defaultValue false
   */
  testRoutes?: boolean
}

/** One HTTP request to the Switchline base path (fault routes excepted), as the server answered it. */
export interface AnsweredRequest {
  /** Position in the log, from 0 (the log is cumulative for the server's lifetime). */
  seq: number
  method: string
  /** The path below the base path, e.g. `/sse`, `/publish`. */
  path: string
  /** The `Authorization: Bearer` token the request carried, `null` without one. */
  token: string | null
  /** The status the server answered, `null` while not answered yet. */
  status: number | null
  /** The HTTP version the request came over: `'1.1'`, or `'2.0'` on an HTTPS playground. */
  httpVersion: string
  /** The client's TCP port: requests with the same one shared a connection (HTTP/2 streams of one session). */
  remotePort: number | null
}

/** The embedded server of a dev server, once created. */
export interface EmbeddedServer {
  server: SwitchlineServer
  /** Stops the demo feeds and closes the Switchline server (connections first, so Vite can close). */
  close(): Promise<void>
}

/** The plugin, with `api.embedded()`: the embedded server once the dev server runs. */
export interface SwitchlinePlugin extends Plugin {
  api: { embedded(): Promise<EmbeddedServer> }
}

async function createEmbedded(vite: ViteDevServer, options: SwitchlinePluginOptions): Promise<EmbeddedServer> {
  const main = (await vite.ssrLoadModule('@switchline/server')) as typeof import('@switchline/server')
  const testing = (await vite.ssrLoadModule(
    '@switchline/server/testing',
  )) as typeof import('@switchline/server/testing')
  const server = main.createSwitchlineServer({
    channels: { ...main.DEMO_CHANNELS },
    basePath: BASE_PATH,
    faults: true,
    ...options.server,
  })
  testing.createFaultInjector(server)
  const demo = options.demo === false ? undefined : main.createDemo(server, options.demo ?? {})
  return {
    server,
    async close() {
      demo?.stop()
      await server.close()
    },
  }
}

/**
 * Test route (only with `testRoutes`): `POST` here with `application/json` `{ channel, data }` (at most
 * {@link MAX_PUBLISH_BODY} bytes) publishes from the server, receive-only channels too; answers `{ eventId }`.
 */
export const SERVER_PUBLISH_PATH = '/__playground/publish'
/** Test route (only with `testRoutes`): `GET` answers `{ requests: AnsweredRequest[] }`, oldest first. */
export const ANSWERED_REQUESTS_PATH = '/__playground/requests'
/** Largest body `POST /__playground/publish` reads. */
export const MAX_PUBLISH_BODY = 64 * 1024

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body))
}

/** Reads a request body of at most `max` bytes; `undefined` (after answering 413) when it is larger. */
function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      res.setHeader('connection', 'close')
      sendJson(res, 413, { error: `body over ${max} bytes` })
      req.resume() // discard the rest without keeping it
      resolve(undefined)
    }
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > max) return tooLarge()
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > max) {
        over = true
        chunks.length = 0
        tooLarge()
      } else chunks.push(chunk)
    })
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'))
    })
    req.on('error', reject)
  })
}

function bearer(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  return match ? match[1]! : null
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname
}

/** Mounts the Switchline demo server (with faults) in Vite's dev server. */
export function switchlinePlugin(options: SwitchlinePluginOptions = {}): SwitchlinePlugin {
  const basePath = options.server?.basePath ?? BASE_PATH
  let dev: ViteDevServer | undefined
  let created: Promise<EmbeddedServer> | undefined
  const answered: AnsweredRequest[] = []
  /** Logs a request with its token, and its status once the server writes the head. */
  const record = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const entry: AnsweredRequest = {
      seq: answered.length,
      method: req.method ?? '',
      path,
      token: bearer(req),
      status: null,
      httpVersion: req.httpVersion,
      remotePort: req.socket.remotePort ?? null,
    }
    answered.push(entry)
    const writeHead = res.writeHead
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      entry.status = args[0] as number
      return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args)
    } as typeof res.writeHead
  }
  const get = (): Promise<EmbeddedServer> => {
    if (!dev) return Promise.reject(new Error('switchline: the dev server is not running'))
    return (created ??= createEmbedded(dev, options))
  }
  return {
    name: 'switchline-server',
    apply: 'serve',
    api: { embedded: get },
    configureServer(vite) {
      dev = vite

      if (options.testRoutes) {
        vite.middlewares.use(SERVER_PUBLISH_PATH, (req, res, next) => {
          if (req.method !== 'POST') return next()
          const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
          if (type !== 'application/json') return sendJson(res, 415, { error: 'content-type must be application/json' })
          readBody(req, res, MAX_PUBLISH_BODY)
            .then(async (body) => {
              if (body === undefined) return
              let parsed: unknown
              try {
                parsed = JSON.parse(body)
              } catch {
                return sendJson(res, 400, { error: 'body is not JSON' })
              }
              const { channel, data } = (parsed ?? {}) as { channel?: unknown; data?: unknown }
              if (typeof channel !== 'string' || data === undefined) {
                return sendJson(res, 400, { error: 'body must be { channel: string, data }' })
              }
              const { server } = await get()
              sendJson(res, 200, { eventId: server.publish(channel, data as never) })
            })
            .catch((err: unknown) => {
              if (!res.headersSent) sendJson(res, 400, { error: String(err) })
            })
        })
        vite.middlewares.use(ANSWERED_REQUESTS_PATH, (req, res, next) => {
          if (req.method !== 'GET') return next()
          sendJson(res, 200, { requests: answered })
        })
      }
      vite.middlewares.use((req, res, next) => {
        const path = pathOf(req)
        if (path !== basePath && !path.startsWith(`${basePath}/`)) return next()
        if (options.testRoutes && !path.startsWith(`${basePath}/_faults/`))
          record(req, res, path.slice(basePath.length))
        get().then(({ server }) => server.handleRequest(req, res, next), next)
      })
      vite.httpServer?.on('upgrade', (req, socket, head) => {
        if (pathOf(req) !== `${basePath}/ws`) return // Vite's HMR socket and anything else: not ours
        get().then(
          ({ server }) => server.handleUpgrade(req, socket, head),
          () => socket.destroy(),
        )
      })
      vite.httpServer?.once('listening', () => {
        get().catch((err: unknown) => vite.config.logger.error(`switchline: ${String(err)}`))
      })
      vite.httpServer?.once('close', () => {
        void created?.then((e) => e.close())
      })
    },
  }
}
