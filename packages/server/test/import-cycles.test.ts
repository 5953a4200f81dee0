/**
 * No import cycles in `src/` (type-only imports count: a cycle of types is still two files that cannot be read,
 * moved or tested one without the other). The graph is read by `scripts/import-graph.mjs`.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { findCycles, readImportGraph } from '../../../scripts/import-graph.mjs'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

describe('server imports', () => {
  const graph = readImportGraph(SRC)

  it('reads the whole source folder, and every relative import resolves to a file', () => {
    expect(graph.has('server.ts') && graph.has('options.ts') && graph.has('testing/fault-injector.ts')).toBe(true)
    const unresolved = [...graph].flatMap(([file, edges]) =>
      edges.filter((e) => e.target === undefined).map((e) => `${file}:${e.line} ${e.specifier}`),
    )
    expect(unresolved).toEqual([])
  })

  it('has no import cycle', () => {
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([])
  })
})
