/**
 * The interop matrix in Node: every server library × case × check against raw `subscribe()`. Each check starts
 * its own server instance (127.0.0.1, port 0, behind the test proxy) and closes it. Test names are
 * `<server> › <case> › <check>`; `src/results/reporter.ts` turns them into results.json.
 */
import { describe, test } from 'vitest'
import { CASES, checksFor } from '../src/cases'
import { SERVERS } from '../src/servers'

describe.concurrent.each(SERVERS.map((server) => [server.id, server] as const))('%s', (_id, server) => {
  for (const testCase of CASES) {
    const checks = checksFor(testCase, server)
    if (checks.length === 0) continue
    describe(testCase.id, () => {
      for (const check of checks) {
        test(check.name, async () => {
          const handle = await server.start()
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
