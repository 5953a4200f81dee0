/**
 * A Vite plugin that embeds the Switchline demo server in Vite's dev server: `handleRequest` on Vite's
 * middlewares (before Vite's own), `handleUpgrade` on the HTTP server's `upgrade` event for `<basePath>/ws` only
 * (Vite's HMR socket keeps working), demo channels publishing, and fault injection over HTTP (`faults: true`).
 *
 * The server package is loaded through Vite's SSR module loader with the `@switchline/source` condition, so the playground
 * runs from TypeScript sources without a build.
 */
import type { IncomingMessage } from 'node:http'
import type { Plugin, ViteDevServer } from 'vite'
import type { SwitchlineServer, SwitchlineServerOptions, DemoOptions } from '@switchline/server'

/** Options of {@link switchlinePlugin}. */
export interface SwitchlinePluginOptions {
  /** Server options over the playground's defaults (demo channels, `faults: true`, base path `/rt`). */
  server?: Partial<SwitchlineServerOptions>
  /** Demo feed options, or `false` for no demo publishing. @defaultValue `{}` */
  demo?: DemoOptions | false
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
  const testing = (await vite.ssrLoadModule('@switchline/server/testing')) as typeof import('@switchline/server/testing')
  const server = main.createSwitchlineServer({
    channels: { ...main.DEMO_CHANNELS },
    basePath: '/rt',
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

/** `POST` here with `{ channel, data }` publishes from the server (receive-only channels too). For tests. */
export const SERVER_PUBLISH_PATH = '/__playground/publish'

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname
}

/** Mounts the Switchline demo server (with faults) in Vite's dev server. */
export function switchlinePlugin(options: SwitchlinePluginOptions = {}): SwitchlinePlugin {
  const basePath = options.server?.basePath ?? '/rt'
  let dev: ViteDevServer | undefined
  let created: Promise<EmbeddedServer> | undefined
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

      // Server-side publish (any channel, receive-only ones included) for tests: POST {channel, data}.
      vite.middlewares.use(SERVER_PUBLISH_PATH, (req, res, next) => {
        if (req.method !== 'POST') return next()
        let body = ''
        req.setEncoding('utf8')
        req.on('data', (chunk: string) => (body += chunk))
        req.on('end', () => {
          get()
            .then(({ server }) => {
              const { channel, data } = JSON.parse(body) as { channel: string; data: never }
              const eventId = server.publish(channel, data)
              res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ eventId }))
            })
            .catch((err: unknown) => {
              res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err) }))
            })
        })
      })
      vite.middlewares.use((req, res, next) => {
        const path = pathOf(req)
        if (path !== basePath && !path.startsWith(`${basePath}/`)) return next()
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
