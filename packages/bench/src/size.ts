/**
 * Browser bundle size: each entry is bundled by esbuild (minified, browser platform, ESM, tree-shaken) and
 * measured raw, gzip (level 9) and brotli (quality 11) with node:zlib. Switchline entries resolve
 * `@switchline/client` with the `browser` + `@switchline/source` conditions, so they measure the source as a browser app
 * would bundle it, without a build step.
 */
import { build, type Metafile } from 'esbuild'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PKG_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface SizeEntry {
  /** Stable id used in JSON and the budget. */
  id: string
  /** What the row is called in the report. */
  label: string
  /** The entry module's source (imports from the package under test). */
  code: string
  /** Is this a Switchline entry (checked against the budget)? */
  switchline: boolean
  /** Packages left out of the bundle (peers the app brings anyway). */
  external?: string[]
}

export interface SizeResult {
  id: string
  label: string
  switchline: boolean
  ok: boolean
  error?: string
  rawBytes?: number
  gzipBytes?: number
  brotliBytes?: number
  /** Bytes of output per package (from esbuild's metafile), largest first. */
  byPackage?: Record<string, number>
}

export const SWITCHLINE_ENTRIES: SizeEntry[] = [
  {
    id: 'switchline-sse',
    label: 'Switchline `@switchline/client/sse` `subscribe`',
    code: "export { subscribe } from '@switchline/client/sse'",
    switchline: true,
  },
  {
    id: 'switchline-ws',
    label: 'Switchline `@switchline/client/ws` `subscribe`',
    code: "export { subscribe } from '@switchline/client/ws'",
    switchline: true,
  },
  {
    id: 'switchline-subscribe',
    label: 'Switchline `subscribe` only',
    code: "export { subscribe } from '@switchline/client'",
    switchline: true,
  },
  {
    id: 'switchline-createClient',
    label: 'Switchline `createClient` only',
    code: "export { createClient } from '@switchline/client'",
    switchline: true,
  },
  {
    id: 'switchline-full',
    label: 'Switchline, everything',
    code: "export * from '@switchline/client'",
    switchline: true,
  },
  {
    id: 'switchline-react',
    label: '`@switchline/react`, everything (react and @switchline/client external)',
    code: "export * from '@switchline/react'",
    switchline: true,
    external: ['react', 'react-dom', '@switchline/client'],
  },
  {
    id: 'switchline-createClient-sse',
    label: 'Switchline `createClient` over SSE only (`@switchline/client/channels`, `transports: [sseTransport]`)',
    code: "export { createClient, sseTransport } from '@switchline/client/channels'",
    switchline: true,
  },
  {
    id: 'switchline-tabs',
    label: 'Switchline `createTabsClient` (`/tabs`, createClient included)',
    code: "export { createTabsClient } from '@switchline/client/tabs'",
    switchline: true,
  },
]

export const COMPETITOR_ENTRIES: SizeEntry[] = [
  {
    id: 'socket.io-client',
    label: 'socket.io-client 4.8.4 (`io`)',
    code: "export { io } from 'socket.io-client'",
    switchline: false,
  },
  {
    id: 'centrifuge',
    label: 'centrifuge 5.8.0 (`Centrifuge`)',
    code: "export { Centrifuge } from 'centrifuge'",
    switchline: false,
  },
  {
    id: 'partysocket',
    label: 'partysocket 1.3.0 (`PartySocket`)',
    code: "export { PartySocket } from 'partysocket'",
    switchline: false,
  },
  {
    id: 'reconnecting-websocket',
    label: 'reconnecting-websocket 4.4.0',
    code: "export { default } from 'reconnecting-websocket'",
    switchline: false,
  },
  {
    id: 'eventsource',
    label: 'eventsource 4.1.1 (`EventSource`)',
    code: "export { EventSource } from 'eventsource'",
    switchline: false,
  },
  {
    id: 'graphql-ws',
    label: 'graphql-ws 6.4.2 (`createClient`)',
    code: "export { createClient } from 'graphql-ws'",
    switchline: false,
  },
]

/** Which package an input file belongs to, for the per-package breakdown. */
function packageOf(path: string): string {
  const nm = path.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? path)
  }
  const m = /(?:packages\/|^\.\.\/)([^/]+)\/(.*)$/.exec(path)
  if (m) return `@switchline/${m[1]}: ${m[2]}`
  return path
}

function byPackage(metafile: Metafile): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = packageOf(input)
      totals[key] = (totals[key] ?? 0) + bytesInOutput
    }
  }
  return Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1]))
}

/** Bundles one entry for the browser and measures it. Never throws: a failed build is `ok: false`. */
export async function measureEntry(entry: SizeEntry): Promise<SizeResult> {
  try {
    const result = await build({
      stdin: { contents: entry.code, resolveDir: PKG_ROOT, sourcefile: `${entry.id}.entry.js`, loader: 'js' },
      bundle: true,
      write: false,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // `browser` comes with the platform; `@switchline/source` reads workspace packages from source.
      conditions: ['@switchline/source'],
      define: { 'process.env.NODE_ENV': '"production"' },
      metafile: true,
      logLevel: 'silent',
      treeShaking: true,
      ...(entry.external ? { external: entry.external } : {}),
    })
    const code = result.outputFiles[0]?.contents ?? new Uint8Array()
    const gzip = gzipSync(code, { level: 9 }).length
    const brotli = brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
    }).length
    return {
      id: entry.id,
      label: entry.label,
      switchline: entry.switchline,
      ok: true,
      rawBytes: code.length,
      gzipBytes: gzip,
      brotliBytes: brotli,
      byPackage: byPackage(result.metafile),
    }
  } catch (error) {
    const errors = (error as { errors?: { text: string }[] }).errors
    const message = errors?.length ? errors.map((e) => e.text).join('; ') : String(error)
    return { id: entry.id, label: entry.label, switchline: entry.switchline, ok: false, error: message }
  }
}

/** Measures every entry, in parallel (esbuild is fast; the whole thing takes well under a second). */
export async function measureSizes(
  entries: readonly SizeEntry[] = [...SWITCHLINE_ENTRIES, ...COMPETITOR_ENTRIES],
): Promise<SizeResult[]> {
  return Promise.all(entries.map(measureEntry))
}
