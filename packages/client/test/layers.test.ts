/**
 * The layers of `src/` (docs/decisions/0020-client-layers.md): each folder is a layer, and a file imports only from
 * its own folder, from a layer further down, and from `types.ts` (the public types, which import only `protocol/`
 * and `core/`). The entry points `index.ts`, `sse.ts` and `ws.ts` are the top. No import cycles, type-only imports
 * included. A file at the top of `src/` other than those and `types.ts` fails: it has to be given a layer. Tests (`*.test.ts`, `*.test-d.ts`) sit
 * beside their source and may import anything, but not at the top either.
 *
 * The graph is read with a regular expression (`scripts/import-graph.mjs`); the checks are run on planted graphs
 * first, so a broken reader or rule cannot pass silently.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findCycles, listSourceFiles, readImportGraph, type ImportGraph } from '../../../scripts/import-graph.mjs'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

/** Bottom to top; folders on one line are peers (neither imports the other). */
const LAYERS: readonly (readonly string[])[] = [
  ['protocol'],
  ['core'],
  ['sse', 'ws'],
  ['platform'],
  ['raw'],
  ['channels'],
  ['tabs'],
]
/** The package's entry points (`.`, `./sse`, `./ws`): each may import any layer. */
const ENTRY_FILES = ['index.ts', 'sse.ts', 'ws.ts']
const TOP_FILES = [...ENTRY_FILES, 'types.ts']
/** What `types.ts` may import. */
const TYPES_IMPORTS = ['protocol', 'core']

const isTest = (file: string): boolean => /\.test(-d)?\.ts$/.test(file)
const folderOf = (file: string): string | undefined =>
  file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined
const rankOf = (folder: string): number => LAYERS.findIndex((peers) => peers.includes(folder))

/** Files in the wrong place: at the top of `src/` but not allowed there, or in a folder that is no layer. */
function misplacedFiles(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    const folder = folderOf(file)
    if (folder === undefined)
      return TOP_FILES.includes(file)
        ? []
        : [`${file}: a file at the top of src/ (only ${TOP_FILES.join(', ')}); move it into a layer`]
    return rankOf(folder) === -1 ? [`${file}: ${folder}/ is no layer (${LAYERS.flat().join(', ')})`] : []
  })
}

/** Imports that point the wrong way (tests are left out: they may import fakes and any layer). */
function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = []
  for (const [file, edges] of graph) {
    if (isTest(file)) continue
    const from = folderOf(file)
    for (const { specifier, line, target } of edges) {
      if (target === undefined) {
        out.push(`${file}:${line} imports ${specifier}, which does not resolve`)
        continue
      }
      const to = folderOf(target)
      const where = `${file}:${line} imports ${specifier}`
      if (ENTRY_FILES.includes(file) || from === to) continue
      if (target === 'types.ts') {
        if (from === 'protocol') out.push(`${where}: protocol/ imports nothing outside protocol/`)
        continue
      }
      if (to === undefined) {
        out.push(`${where}: only types.ts at the top of src/ may be imported`)
      } else if (file === 'types.ts') {
        if (!TYPES_IMPORTS.includes(to)) out.push(`${where}: types.ts imports only ${TYPES_IMPORTS.join('/, ')}/`)
      } else if (from !== undefined && !(rankOf(to) < rankOf(from))) {
        out.push(`${where}: ${to}/ is not below ${from}/ (${LAYERS.map((peers) => peers.join(' | ')).join(' ← ')})`)
      }
    }
  }
  return out
}

const edge = (target: string | undefined, line = 1) => ({ specifier: target ?? './missing', line, target })

describe('the layer checks (on planted graphs)', () => {
  it('flag an import from a higher layer, between peers, into the top, out of types.ts and out of protocol/', () => {
    const graph: ImportGraph = new Map([
      ['core/a.ts', [edge('channels/b.ts', 3), edge('types.ts'), edge('protocol/p.ts')]],
      ['channels/b.ts', [edge('core/a.ts'), edge('raw/r.ts'), edge('channels/c.ts')]],
      ['sse/s.ts', [edge('ws/w.ts')]],
      ['raw/r.ts', [edge('index.ts')]],
      ['types.ts', [edge('raw/r.ts')]],
      ['protocol/p.ts', [edge('types.ts'), edge(undefined, 7)]],
      ['core/a.test.ts', [edge('channels/b.ts')]],
    ])
    const found = layerViolations(graph)
    expect(found).toHaveLength(6)
    expect(found[0]).toMatch(/^core\/a\.ts:3 imports channels\/b\.ts: channels\/ is not below core\//)
    expect(found.join('\n')).toMatch(/sse\/s\.ts.*ws\/ is not below sse\//)
    expect(found.join('\n')).toMatch(/raw\/r\.ts.*only types\.ts at the top/)
    expect(found.join('\n')).toMatch(/types\.ts:1 imports raw\/r\.ts: types\.ts imports only/)
    expect(found.join('\n')).toMatch(/protocol\/p\.ts:1 .*protocol\/ imports nothing outside/)
    expect(found.join('\n')).toMatch(/protocol\/p\.ts:7 imports \.\/missing, which does not resolve/)
  })

  it('flag a file at the top of src/ and a folder that is no layer', () => {
    expect(misplacedFiles(['index.ts', 'types.ts', 'helper.ts', 'helper.test.ts', 'core/a.ts', 'misc/z.ts'])).toEqual([
      expect.stringMatching(/^helper\.ts: a file at the top/),
      expect.stringMatching(/^helper\.test\.ts: a file at the top/),
      expect.stringMatching(/^misc\/z\.ts: misc\/ is no layer/),
    ])
  })

  it('find every cycle, with a path through it, and a file importing itself', () => {
    const graph: ImportGraph = new Map([
      ['a.ts', [edge('b.ts')]],
      ['b.ts', [edge('c.ts'), edge('d.ts')]],
      ['c.ts', [edge('a.ts')]],
      ['d.ts', [edge('e.ts')]],
      ['e.ts', [edge('e.ts')]],
      ['f.ts', [edge('a.ts'), edge('outside.ts')]],
    ])
    expect(findCycles(graph).sort()).toEqual([
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
      ['e.ts', 'e.ts'],
    ])
    expect(
      findCycles(
        new Map([
          ['a.ts', [edge('b.ts')]],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([])
  })
})

describe('packages/client/src', () => {
  const aliases = Object.fromEntries(
    Object.entries(
      (
        JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
          imports: Record<string, Record<string, string>>
        }
      ).imports,
    ).map(([name, conditions]) => [name, Object.values(conditions).map((path) => path.replace(/^\.\/src\//, ''))]),
  )
  const graph = readImportGraph(SRC, { aliases })

  it('is read whole: every layer folder has files, the #platform import points at both platform files', () => {
    expect(graph.size).toBe(listSourceFiles(SRC).length)
    for (const folder of LAYERS.flat())
      expect(
        [...graph.keys()].some((file) => file.startsWith(`${folder}/`)),
        folder,
      ).toBe(true)
    const platformTargets = graph
      .get('platform/platform.ts')
      ?.filter((e) => e.specifier === '#platform')
      .map((e) => e.target)
    expect([...new Set(platformTargets)]).toEqual(['platform/browser.ts', 'platform/node.ts'])
  })

  it('has every file in a layer folder, except the entry points and types.ts', () => {
    expect(misplacedFiles([...graph.keys()])).toEqual([])
  })

  it('imports point down the layers only', () => {
    expect(layerViolations(graph)).toEqual([])
  })

  it('has no import cycle', () => {
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([])
  })
})
