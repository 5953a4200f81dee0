/**
 * A vitest reporter (registered in the root vitest.config.ts) that writes `packages/interop/results.json` from
 * a real run of the interop projects — only when `INTEROP_WRITE=1`, and only when the run covered the whole matrix
 * (Node, Chromium, Firefox; nothing skipped or filtered), so a partial run never overwrites the file. Test names
 * are `<server> › <case> › <check>` (test/matrix.test.ts, test/browser/plain-servers.test.ts). Render the README
 * table from it with `pnpm --filter @switchline/interop table`.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Reporter, TestModule } from 'vitest/node'
import { findBrowser } from '../../../../scripts/browsers.mjs'
import { CASE_TITLES, type CaseId } from '../cases/catalog'
import { BROWSER_SERVERS, CATALOG, type ServerId } from '../servers/catalog'
import type { Environment, Results } from './results-types'

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url))
export const RESULTS_PATH = `${PACKAGE_DIR}results.json`

const ENVIRONMENTS: Record<string, Environment> = {
  interop: 'node',
  'interop-browser (chromium)': 'chromium',
  'interop-browser (firefox)': 'firefox',
}

export default class InteropResultsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (process.env.INTEROP_WRITE !== '1') return
    const results: Results['results'] = {}
    const problems: string[] = []
    for (const testModule of testModules) {
      const environment = ENVIRONMENTS[testModule.project.name]
      if (environment === undefined) continue
      for (const testCase of testModule.children.allTests()) {
        const caseSuite = testCase.parent.type === 'suite' ? testCase.parent : undefined
        const serverSuite = caseSuite?.parent.type === 'suite' ? caseSuite.parent : undefined
        const serverId = serverSuite?.name as ServerId | undefined
        const caseId = caseSuite?.name as CaseId | undefined
        if (!serverId || !caseId || !(serverId in CATALOG) || !(caseId in CASE_TITLES)) continue
        const state = testCase.result().state
        if (state !== 'passed' && state !== 'failed') {
          problems.push(`${environment} ${testCase.fullName}: ${state}`)
          continue
        }
        const row = ((results[environment] ??= {})[serverId] ??= {})
        const cell = (row[caseId] ??= { pass: true, failed: [] })
        if (state === 'failed') {
          cell.pass = false
          cell.failed.push(testCase.name)
        }
      }
    }
    for (const environment of Object.values(ENVIRONMENTS)) {
      if (!results[environment]) problems.push(`${environment}: did not run`)
    }
    if (problems.length > 0) {
      console.warn(
        `[interop] results.json NOT written — the run did not cover the whole matrix:\n  ${problems.join('\n  ')}`,
      )
      return
    }
    const file: Results = {
      generated: new Date().toISOString().slice(0, 10),
      command: "INTEROP_WRITE=1 pnpm vitest run --project interop --project 'interop-browser*'",
      node: process.version,
      browsers: { chromium: browserVersion('chromium'), firefox: browserVersion('firefox') },
      versions: packageVersions(),
      rows: (Object.keys(CATALOG) as ServerId[]).map((id) => ({
        id,
        title: CATALOG[id].title,
        packages: [...CATALOG[id].packages],
      })),
      columns: (Object.keys(CASE_TITLES) as CaseId[]).map((id) => ({ id, title: CASE_TITLES[id] })),
      browserServers: [...BROWSER_SERVERS],
      results,
    }
    writeFileSync(RESULTS_PATH, `${JSON.stringify(file, null, 2)}\n`)
    console.log(`[interop] wrote ${RESULTS_PATH}; render the README table: pnpm --filter @switchline/interop table`)
  }
}

/** The installed version of every library the servers use (from packages/interop/node_modules). */
function packageVersions(): Record<string, string> {
  const names = new Set(Object.values(CATALOG).flatMap((info) => info.packages))
  names.add('@switchline/client')
  const versions: Record<string, string> = {}
  for (const name of [...names].sort()) {
    const manifest = JSON.parse(readFileSync(`${PACKAGE_DIR}node_modules/${name}/package.json`, 'utf8')) as {
      version: string
    }
    versions[name] = manifest.version
  }
  return versions
}

function browserVersion(name: 'chromium' | 'firefox'): string {
  const { executablePath } = findBrowser(name)
  if (executablePath === undefined) return "Playwright's own build"
  try {
    return execFileSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 20_000 }).trim()
  } catch {
    return executablePath
  }
}
