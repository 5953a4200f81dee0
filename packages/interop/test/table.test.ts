/**
 * The README's "Works with" table is the one rendered from the committed results.json, and results.json covers
 * exactly today's matrix (every server × case × check, in Node and — for the plain servers — both browsers), so
 * neither can drift from the suite.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { README_URL, RESULTS_URL, renderTable, tableIn, withTable } from '../scripts/table.mjs'
import { CASES, checksFor } from '../src/cases'
import type { Results } from '../src/results/results-types'
import { BROWSER_SERVERS, CATALOG } from '../src/servers/catalog'

const results = JSON.parse(readFileSync(RESULTS_URL, 'utf8')) as Results

describe('README "Works with" table', () => {
  test('equals the table rendered from results.json', () => {
    expect(tableIn(readFileSync(README_URL, 'utf8'))).toBe(renderTable(results))
  })

  test('results.json covers exactly the current matrix', () => {
    for (const environment of ['node', 'chromium', 'firefox'] as const) {
      const servers = environment === 'node' ? Object.values(CATALOG) : BROWSER_SERVERS.map((id) => CATALOG[id])
      const expected = Object.fromEntries(
        servers.map((server) => [
          server.id,
          CASES.filter((testCase) => checksFor(testCase, server).length > 0).map((testCase) => testCase.id),
        ]),
      )
      const actual = Object.fromEntries(
        Object.entries(results.results[environment] ?? {}).map(([id, cells]) => [id, Object.keys(cells ?? {})]),
      )
      expect(actual, environment).toEqual(expected)
      for (const server of servers) {
        for (const testCase of CASES) {
          const names = checksFor(testCase, server).map((check) => check.name)
          const cell = results.results[environment]?.[server.id as keyof typeof CATALOG]?.[testCase.id]
          if (cell === undefined) continue
          expect(cell.pass, `${environment} ${server.id} ${testCase.id}`).toBe(cell.failed.length === 0)
          for (const failed of cell.failed) expect(names).toContain(failed)
        }
      }
    }
  })

  test('renders a pass, a failure with its check, and a case that does not apply', () => {
    const table = renderTable({
      ...results,
      rows: [{ id: 'ws', title: '`ws`', packages: ['ws'] }],
      columns: [
        { id: 'receive', title: 'receive' },
        { id: 'quiet', title: 'quiet but healthy' },
        { id: 'llm-stream', title: 'LLM stream' },
      ],
      versions: { ws: '8.23.0' },
      results: {
        node: { ws: { receive: { pass: true, failed: [] }, quiet: { pass: false, failed: ['ping answered'] } } },
      },
    })
    expect(table).toContain('| `ws` (ws 8.23.0) | ✅ | ❌ | — |')
    expect(table).toContain('- ws · quiet but healthy: ping answered')
  })

  test('withTable replaces only what lies between the markers', () => {
    const readme = 'a\n<!-- interop:works-with:start -->\nold\n<!-- interop:works-with:end -->\nb\n'
    expect(withTable(readme, 'new')).toBe(
      'a\n<!-- interop:works-with:start -->\nnew\n<!-- interop:works-with:end -->\nb\n',
    )
    expect(() => withTable('no markers', 'x')).toThrow(/markers/)
  })
})
