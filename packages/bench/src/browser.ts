/**
 * In-browser throughput: Chromium (found like the workspace's test browsers, Debian's /usr/bin/chromium by
 * default, else Playwright's own) loads a page from the bench server and measures events/s through the SDK and
 * through the native WebSocket / EventSource. The page runs under a bare DevTools pipe, not a Playwright page:
 * see browser-cdp.ts for why.
 */
import { build } from 'esbuild'
import { mkdir, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { chromium } from 'playwright'
import { CHROMIUM_ARGS, findBrowser } from '../../../scripts/browsers.mjs'
import type { ServerProcess } from './ctl'
import { launchCdpBrowser } from './browser-cdp'
import type { BrowserConfig, BrowserSample } from './browser-page'
import { PKG_ROOT } from './size'
import { median, ratio } from './stats'

/** `CHROMIUM_PATH`, else the workspace's lookup: `SWITCHLINE_CHROMIUM`, Debian's Chromium, else Playwright's own browser. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || findBrowser('chromium').executablePath || chromium.executablePath()
}

export interface BrowserRow {
  id: string
  label: string
  payloadBytes: number
  runs: number
  medianMsgPerSec: number | null
  /** vs the native API of the same transport in the same page. */
  ratioToNative: number | null
  errors: string[]
}

const LABELS: Record<string, string> = {
  'native-websocket': 'native `WebSocket` + JSON.parse',
  'switchline-ws-raw': 'Switchline `subscribe(ws://…)`',
  'native-websocket-protocol': 'native `WebSocket` + JSON.parse, protocol mock frames (reference for `createClient`)',
  'switchline-ws': 'Switchline `createClient`, WebSocket (protocol mock)',
  'native-eventsource': 'native `EventSource` + JSON.parse',
  'switchline-sse-raw': 'Switchline `subscribe(http://…)`',
  'native-eventsource-protocol':
    'native `EventSource` + JSON.parse, protocol mock stream (reference for `createClient`)',
  'switchline-sse': 'Switchline `createClient`, SSE (protocol mock)',
}

async function bundlePage(): Promise<Record<string, { type: string; path: string }>> {
  const dir = resolve(PKG_ROOT, 'dist/page')
  await mkdir(dir, { recursive: true })
  await build({
    entryPoints: [resolve(PKG_ROOT, 'src/browser-page.ts')],
    outfile: resolve(dir, 'bundle.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@switchline/source'],
    minify: true,
    logLevel: 'warning',
  })
  await writeFile(
    resolve(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/page/bundle.js"></script>\n',
  )
  return {
    '/page/index.html': { type: 'text/html; charset=utf-8', path: resolve(dir, 'index.html') },
    '/page/bundle.js': { type: 'text/javascript; charset=utf-8', path: resolve(dir, 'bundle.js') },
  }
}

export async function runBrowser(opts: {
  server: ServerProcess
  config: BrowserConfig
  log?: (s: string) => void
}): Promise<{ browser: string; rows: BrowserRow[] }> {
  const log = opts.log ?? (() => {})
  const files = await bundlePage()
  const { child } = opts.server
  await new Promise<void>((resolveSent) => {
    child.once('message', () => resolveSent())
    child.send({ type: 'page-files', files })
  })
  const browser = await launchCdpBrowser(
    chromiumPath(),
    CHROMIUM_ARGS,
    `http://127.0.0.1:${opts.server.info.rawPort}/page/index.html`,
  )
  try {
    const version = browser.version
    await waitForPage(browser)
    const samples = await browser.evaluate<BrowserSample[]>(`benchRun(${JSON.stringify(opts.config)})`)
    const rows: BrowserRow[] = []
    for (const size of Object.keys(opts.config.messages).map(Number)) {
      const med = (id: string): number | null => {
        const v = samples
          .filter((s) => s.id === id && s.size === size && s.msgPerSec != null)
          .map((s) => s.msgPerSec as number)
        return v.length ? median(v) : null
      }
      for (const id of Object.keys(LABELS)) {
        const native = id.includes('sse') || id.includes('eventsource') ? 'native-eventsource' : 'native-websocket'
        const mine = samples.filter((s) => s.id === id && s.size === size)
        const rate = med(id)
        rows.push({
          id,
          label: LABELS[id] as string,
          payloadBytes: size,
          runs: mine.filter((s) => s.msgPerSec != null).length,
          medianMsgPerSec: rate,
          ratioToNative: ratio(rate, med(native)),
          errors: mine.flatMap((s) => (s.error ? [s.error] : [])),
        })
        log(
          `  ${String(size).padStart(4)} B ${id.padEnd(28)} ${rate == null ? '—' : Math.round(rate).toLocaleString('en-US')} msg/s`,
        )
      }
    }
    return { browser: version, rows }
  } finally {
    await browser.close()
  }
}

/** Until the page's module has defined `benchRun` (the first evaluations may land before the page commits). */
async function waitForPage(
  browser: { evaluate<T>(expression: string): Promise<T> },
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const ready = await browser.evaluate<boolean>("typeof globalThis.benchRun === 'function'").catch(() => false)
    if (ready) return
    if (performance.now() > deadline) throw new Error('the bench page did not load')
    await new Promise((resolveWait) => setTimeout(resolveWait, 50))
  }
}
