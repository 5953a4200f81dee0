/**
 * The plain-server rows of the matrix in Chromium and Firefox: the same cases and checks as the Node matrix
 * (`test/matrix.test.ts`), against the plain `node:http` SSE and `ws` servers running in Node. Names follow the
 * Node matrix (`<server> › <case> › <check>`) so the results reporter reads both. One check at a time: a browser
 * keeps at most six connections per server, and the control server is one.
 */
import { describe, test } from 'vitest'
import { CASES, checksFor } from '../../src/cases'
import { BROWSER_SERVERS, CATALOG } from '../../src/servers/catalog'
import { startRemote } from './remote-server'

describe.each(BROWSER_SERVERS.map((id) => [id, CATALOG[id]] as const))('%s', (id, info) => {
  for (const testCase of CASES) {
    const checks = checksFor(testCase, info)
    if (checks.length === 0) continue
    describe(testCase.id, () => {
      for (const check of checks) {
        test(check.name, async () => {
          const handle = await startRemote(id)
          try {
            await check.run(handle)
          } finally {
            await handle.close()
          }
        })
      }
    })
  }
})
