/**
 * The built CommonJS entries share one copy of the client's classes: an error thrown by
 * `require('@switchline/client/sse')` is `instanceof` the `SwitchlineError` of `require('@switchline/client')`
 * (tsup `splitting: true` for CJS; without it each entry carried its own class). Run by `check:package` after
 * `pnpm build`; exits 1 and says which entry has its own copy.
 */
const assert = require('node:assert/strict')
const { SwitchlineError } = require('../dist/index.cjs')

const entries = {
  '@switchline/client/sse': () => require('../dist/sse.cjs').subscribe('ftp://127.0.0.1/'),
  '@switchline/client/ws': () => require('../dist/ws.cjs').subscribe('ftp://127.0.0.1/'),
  '@switchline/client/channels': () => require('../dist/channels.cjs').createClient({ url: 'ftp://127.0.0.1/' }),
  '@switchline/client/tabs': () => require('../dist/tabs.cjs').createTabsClient({ url: 'ftp://127.0.0.1/' }),
}

for (const [entry, call] of Object.entries(entries)) {
  let thrown
  try {
    call()
  } catch (error) {
    thrown = error
  }
  assert.equal(thrown?.code, 'invalid_options', `${entry}: expected an invalid_options error, got ${thrown}`)
  assert.ok(thrown instanceof SwitchlineError, `${entry}: its SwitchlineError is a second copy of the class`)
}
console.log(`CJS entries share one SwitchlineError: ${Object.keys(entries).join(', ')}`)
