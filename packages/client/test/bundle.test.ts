/**
 * The browser bundle holds no Node code: `src/index.ts` bundled for the browser (the `browser` condition picks
 * `src/platform/browser.ts` for `#platform`) imports neither `ws`, `eventsource`, `isomorphic-ws` nor any Node
 * built-in, and has no `require(`. A control build for Node shows the check would see them.
 *
 * esbuild comes with tsup (a devDependency); it is loaded from tsup's location rather than declared again.
 */
import { builtinModules, createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** The part of esbuild's API used here (its types are not resolvable from this package). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: Array<{ text: string }>
    metafile: { outputs: Record<string, { imports: Array<{ path: string }> }> }
  }>
}
const requireFromTsup = createRequire(createRequire(import.meta.url).resolve('tsup'))
const esbuild = requireFromTsup('esbuild') as Esbuild

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url))
const NODE_ONLY = ['ws', 'eventsource', 'isomorphic-ws']
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))

async function bundle(platform: 'browser' | 'node') {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform,
    conditions: platform === 'browser' ? ['browser'] : [],
    packages: 'external', // any package import stays visible in the output and the metafile
    metafile: true,
    logLevel: 'silent',
  })
  const output = result.outputFiles[0]?.text ?? ''
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path))
  return { output, imports }
}

describe('browser bundle', () => {
  it('contains no Node code', async () => {
    const { output, imports } = await bundle('browser')
    expect(output.length).toBeGreaterThan(1000)
    expect(
      imports.filter((path) => NODE_ONLY.includes(path) || builtins.has(path) || path.startsWith('node:')),
    ).toEqual([])
    for (const name of NODE_ONLY) expect(output).not.toMatch(new RegExp(`from\\s*["']${name}["']`))
    expect(output).not.toMatch(/["']node:/)
    expect(output).not.toMatch(/\brequire\(/)
    expect(output).toContain('browserOnline') // the browser platform is the one bundled
  })

  it('control: the Node build does reach isomorphic-ws, eventsource and node:http', async () => {
    const { imports } = await bundle('node')
    expect(imports).toEqual(expect.arrayContaining(['isomorphic-ws', 'eventsource', 'node:http', 'node:https']))
  })
})
