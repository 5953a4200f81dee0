/**
 * Starts the playground programmatically (used by the e2e global setup): Vite + the embedded server on
 * `host:port` (port 0 picks a free one). Resolves once the page's modules are ready to serve, so the first page
 * load never triggers Vite's "new dependencies optimized, reloading". The test-only routes under `/__playground/`
 * are mounted only when asked for (`testRoutes: true`, which the e2e global setup passes).
 */
import { createServer } from 'vite'
import { BASE_PATH, switchlinePlugin, type SwitchlinePluginOptions } from './switchline-plugin'
import { playgroundConfig } from './vite.config'

/** Options of {@link startPlayground}. */
export interface StartPlaygroundOptions extends SwitchlinePluginOptions {
  /** @defaultValue `'127.0.0.1'` */
  host?: string
  /** @defaultValue `0` (a free port) */
  port?: number
  /** Vite's dependency cache; separate instances running at once should not share one. */
  cacheDir?: string
  /**
   * Watch files and reload the page on changes. Off by default: a test run must not see its page reloaded
   * because a source file changed underneath it.
   * @defaultValue false
   */
  watch?: boolean
  /**
   * Serve HTTPS with this certificate and key (PEM). Vite then listens with `node:http2` (HTTP/1.1 fallback), so
   * the page, its modules and the embedded server's SSE and publish ride HTTP/2; WebSockets upgrade over HTTP/1.1.
   * @defaultValue `undefined` (plain HTTP/1.1)
   */
  https?: { cert: string; key: string }
}

/** A running playground. */
export interface RunningPlayground {
  /** The page, e.g. `http://127.0.0.1:41234/` (`https://` with `https`). */
  url: string
  /** The Switchline base URL, e.g. `http://127.0.0.1:41234/rt`. */
  baseUrl: string
  close(): Promise<void>
}

/** Starts Vite with the embedded Switchline server. */
export async function startPlayground(options: StartPlaygroundOptions = {}): Promise<RunningPlayground> {
  const { host = '127.0.0.1', port = 0, cacheDir, watch = false, https, ...pluginOptions } = options
  const plugin = switchlinePlugin(pluginOptions)
  const base = playgroundConfig(plugin)
  const vite = await createServer({
    ...base,
    configFile: false,
    logLevel: 'warn',
    server: {
      ...base.server,
      host,
      port,
      strictPort: port !== 0,
      ...(watch ? {} : { watch: null }),
      ...(https ? { https } : {}),
    },
    ...(cacheDir ? { cacheDir } : {}),
  })
  await vite.listen()
  const address = vite.httpServer?.address()
  if (!address || typeof address === 'string') throw new Error('playground: no TCP address')
  const url = `${https ? 'https' : 'http'}://${host}:${address.port}/`
  const embedded = await plugin.api.embedded()
  await vite.warmupRequest('/src/main.ts')
  await vite.warmupRequest('/src/react/main.tsx')
  return {
    url,
    baseUrl: new URL(pluginOptions.server?.basePath ?? BASE_PATH, url).href,
    async close() {
      await embedded.close()
      await vite.close()
    },
  }
}
