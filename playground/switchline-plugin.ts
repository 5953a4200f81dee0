/**
 * A Vite plugin that embeds the Switchline demo server in Vite's dev server: `handleRequest` on Vite's
 * middlewares (before Vite's own), `handleUpgrade` on the HTTP server's `upgrade` event for `<basePath>/ws` only
 * (Vite's HMR socket keeps working), demo channels publishing, and fault injection over HTTP (`faults: true`).
 *
 * The server package is loaded through Vite's SSR module loader with the `source` condition, so the playground
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

const embedded = new WeakMap<ViteDevServer, () => Promise<EmbeddedServer>>()

/** The embedded Switchline server of `vite` (created on first use). */
export function embeddedServer(vite: ViteDevServer): Promise<EmbeddedServer> {
  const get = embedded.get(vite)
  if (!get) return Promise.reject(new Error('switchlinePlugin is not installed on this dev server'))
  return get()
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

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname
}

/** Mounts the Switchline demo server (with faults) in Vite's dev server. */
export function switchlinePlugin(options: SwitchlinePluginOptions = {}): Plugin {
  const basePath = options.server?.basePath ?? '/rt'
  return {
    name: 'switchline-server',
    apply: 'serve',
    configureServer(vite) {
      let created: Promise<EmbeddedServer> | undefined
      const get = (): Promise<EmbeddedServer> => (created ??= createEmbedded(vite, options))
      embedded.set(vite, get)

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
