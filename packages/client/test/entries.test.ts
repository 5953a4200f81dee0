/**
 * Each entry point tree-shakes to what it names: `@switchline/client/sse`'s `subscribe` bundled for the browser (as
 * `pnpm size` bundles it) holds no WebSocket module, `@switchline/client/ws`'s no SSE module, neither holds the
 * multiplexed client, and the EventSource transport comes in only when its add-on is imported. Checked by module
 * path in esbuild's metafile (inputs with bytes in the output), not by byte counts. Controls show the check sees
 * those modules where they belong.
 *
 * esbuild comes with tsup (a devDependency); it is loaded from tsup's location rather than declared again.
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** The part of esbuild's API used here (its types are not resolvable from this package). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    metafile: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }
  }>
}
const requireFromTsup = createRequire(createRequire(import.meta.url).resolve('tsup'))
const esbuild = requireFromTsup('esbuild') as Esbuild

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

/** The client source files (relative to `src/`) with code in the browser bundle of `code` (imports from `src/`). */
async function bundledModules(code: string): Promise<string[]> {
  const result = await esbuild.build({
    stdin: { contents: code, resolveDir: SRC, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'silent',
  })
  const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs))
  return inputs
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([path]) => path.slice(path.lastIndexOf('src/') + 4))
}

/** Every module of the WebSocket path (transport, raw WebSocket, its close codes and send queue). */
const WEBSOCKET = /^(ws\/|raw\/raw-ws|raw\/subscribe-ws|core\/bounded-queue)/
/** Every module of the SSE path (parser, transports, raw SSE, its request and dedupe). */
const SSE = /^(sse\/|core\/sse-parser|raw\/raw-sse|raw\/subscribe-sse|core\/dedupe|core\/headers|core\/request-headers)/
const EVENTSOURCE = /^sse\/sse-eventsource/
/** The multiplexed client and the Switchline protocol's frames. */
const CHANNELS = /^(channels\/|protocol\/codec|protocol\/cursor)/

const matching = (modules: string[], pattern: RegExp): string[] => modules.filter((m) => pattern.test(m))

describe('entry points tree-shake to what they name', () => {
  it('@switchline/client/sse: subscribe() bundles no WebSocket, EventSource or channel code', async () => {
    const modules = await bundledModules("export { subscribe } from './sse.ts'")
    expect(modules).toContain('raw/raw-sse.ts')
    expect(modules).toContain('sse/sse-fetch.ts')
    expect(matching(modules, WEBSOCKET)).toEqual([])
    expect(matching(modules, EVENTSOURCE)).toEqual([])
    expect(matching(modules, CHANNELS)).toEqual([])
  })

  it('@switchline/client/sse: the eventSource add-on brings the EventSource transport, still no WebSocket', async () => {
    const modules = await bundledModules("export { subscribe, eventSource } from './sse.ts'")
    expect(modules).toContain('sse/sse-eventsource.ts')
    expect(matching(modules, WEBSOCKET)).toEqual([])
  })

  it('@switchline/client/ws: subscribe() bundles no SSE or channel code', async () => {
    const modules = await bundledModules("export { subscribe } from './ws.ts'")
    expect(modules).toContain('raw/raw-ws.ts')
    expect(modules).toContain('ws/ws.ts')
    expect(matching(modules, SSE)).toEqual([])
    expect(matching(modules, CHANNELS)).toEqual([])
  })

  it('control: the auto subscribe() of @switchline/client bundles both paths and EventSource, not the channels', async () => {
    const modules = await bundledModules("export { subscribe } from './index.ts'")
    expect(matching(modules, WEBSOCKET)).not.toEqual([])
    expect(matching(modules, SSE)).not.toEqual([])
    expect(modules).toContain('sse/sse-eventsource.ts')
    expect(matching(modules, CHANNELS)).toEqual([])
  })
})
