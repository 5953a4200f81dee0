#!/usr/bin/env node
/**
 * Renders the README's "Works with" table from packages/interop/results.json (written by a real run of the interop
 * suite with INTEROP_WRITE=1) and puts it between the markers in the root README.md.
 *
 *   node scripts/table.mjs --write   # rewrite README.md's table
 *   node scripts/table.mjs --check   # exit 1 when README.md's table is not the rendered one
 *
 * `test/table.test.ts` runs the --check comparison in the unit suite, so README and results.json cannot drift.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const START = '<!-- interop:works-with:start -->'
export const END = '<!-- interop:works-with:end -->'

const PASS = '✅'
const FAIL = '❌'
const NONE = '—'

/**
 * The Markdown between the markers (without them) for a results.json object.
 * @param {import('../src/results/results-types').Results} results
 * @returns {string}
 */
export function renderTable(results) {
  const environments = ['node', 'chromium', 'firefox']
  const label = { node: '', chromium: ' — Chromium', firefox: ' — Firefox' }
  const lines = [
    `| server | ${results.columns.map((column) => column.title).join(' | ')} |`,
    `|---|${results.columns.map(() => ':---:').join('|')}|`,
  ]
  const failures = []
  for (const environment of environments) {
    for (const row of results.rows) {
      const cells = results.results[environment]?.[row.id]
      if (cells === undefined) continue
      const versions = row.packages.map((name) => `${name} ${results.versions[name]}`).join(', ')
      const title = `${row.title}${versions ? ` (${versions})` : ''}${label[environment]}`
      const marks = results.columns.map((column) => {
        const cell = cells[column.id]
        if (cell === undefined) return NONE
        for (const check of cell.failed) failures.push(`${row.id}${label[environment]} · ${column.title}: ${check}`)
        return cell.pass ? PASS : FAIL
      })
      lines.push(`| ${title} | ${marks.join(' | ')} |`)
    }
  }
  const note =
    `Raw \`subscribe()\` with default options but short timeouts, Node ${results.node} (${results.generated}); the ` +
    `${results.browserServers.map((id) => `\`${id}\``).join(' and ')} rows also in ${browser(results.browsers.chromium)} and ` +
    `${browser(results.browsers.firefox)}. ${NONE}: not applicable. Generated from [packages/interop/results.json]` +
    '(packages/interop/results.json) by `pnpm --filter @switchline/interop table`; the cases are in ' +
    '[packages/interop](packages/interop/README.md).'
  const parts = [lines.join('\n'), '', note]
  if (failures.length > 0) parts.push('', 'Failing checks:', '', ...failures.map((failure) => `- ${failure}`))
  return parts.join('\n')
}

/** A browser's `--version` line without the build details ("Chromium 1.2.3 built on Debian…" → "Chromium 1.2.3"). */
function browser(version) {
  return version.replace(/ built on .*$/, '')
}

/**
 * `readme` with the text between the markers replaced by `table`.
 * @param {string} readme
 * @param {string} table
 * @returns {string}
 */
export function withTable(readme, table) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`)
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`
}

/**
 * The text between the markers of `readme` (without them), trimmed of the newlines the markers stand on.
 * @param {string} readme
 * @returns {string}
 */
export function tableIn(readme) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`)
  return readme
    .slice(start + START.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '')
}

export const RESULTS_URL = new URL('../results.json', import.meta.url)
export const README_URL = new URL('../../../README.md', import.meta.url)

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = JSON.parse(readFileSync(RESULTS_URL, 'utf8'))
  const readme = readFileSync(README_URL, 'utf8')
  const table = renderTable(results)
  if (process.argv.includes('--check')) {
    if (tableIn(readme) !== table) {
      console.error(
        'README.md\'s "Works with" table is not the one results.json gives: pnpm --filter @switchline/interop table',
      )
      process.exit(1)
    }
    console.log('README.md\'s "Works with" table matches results.json')
  } else {
    writeFileSync(README_URL, withTable(readme, table))
    console.log('README.md: "Works with" table rendered from results.json')
  }
}
