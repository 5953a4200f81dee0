/**
 * Starts one playground (Vite + embedded Switchline server with faults) per worker on 127.0.0.1, port 0, and
 * passes their URLs to the workers in `SWITCHLINE_E2E_URLS` (space-separated, indexed by `parallelIndex`).
 * Server-wide faults and connection counts of one worker's test never touch another's.
 */
import { fileURLToPath } from 'node:url'
import type { FullConfig } from '@playwright/test'
import { startPlayground, type RunningPlayground } from '../playground/serve'
import { E2E_SERVER } from './server-timings'

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const running: RunningPlayground[] = []
  // One after another: instances share nothing but the first warms Vite's dependency cache for the rest.
  for (let i = 0; i < config.workers; i++) {
    running.push(
      await startPlayground({
        server: { ...E2E_SERVER },
        testRoutes: true, // POST /__playground/publish, GET /__playground/requests
        cacheDir: fileURLToPath(new URL(`./node_modules/.vite-e2e-${i}`, import.meta.url)),
      }),
    )
  }
  process.env.SWITCHLINE_E2E_URLS = running.map((p) => p.url).join(' ')
  return async () => {
    await Promise.all(running.map((p) => p.close()))
  }
}
