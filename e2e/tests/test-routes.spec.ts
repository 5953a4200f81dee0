import { fileURLToPath } from 'node:url'
import { startPlayground } from '../../playground/serve'
import { ANSWERED_REQUESTS_PATH, MAX_PUBLISH_BODY, SERVER_PUBLISH_PATH } from '../../playground/switchline-plugin'
import { expect, test } from '../fixtures'

// Server-side checks of the playground's test-only routes: no page, so the config runs them in Chromium only.

test('POST /__playground/publish takes application/json only, up to 64 KB', async ({ server }) => {
  const post = (body: string, type = 'application/json') =>
    fetch(new URL(SERVER_PUBLISH_PATH, server.url), { method: 'POST', headers: { 'content-type': type }, body })

  const ok = await post(JSON.stringify({ channel: 'ticker', data: { n: 1 } }))
  expect(ok.status).toBe(200)
  expect(((await ok.json()) as { eventId: string }).eventId).toMatch(/\S/)
  expect((await post(JSON.stringify({ channel: 'ticker', data: 1 }), 'text/plain')).status).toBe(415)
  expect((await post('{not json')).status).toBe(400)
  expect((await post(JSON.stringify({ data: 1 }))).status).toBe(400)
  const big = JSON.stringify({ channel: 'ticker', data: 'x'.repeat(MAX_PUBLISH_BODY) })
  expect((await post(big)).status).toBe(413)
})

test('without testRoutes the playground mounts no test route', async () => {
  const plain = await startPlayground({
    demo: false,
    cacheDir: fileURLToPath(new URL('../node_modules/.vite-e2e-plain', import.meta.url)),
  })
  try {
    const publish = await fetch(new URL(SERVER_PUBLISH_PATH, plain.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'ticker', data: 1 }),
    })
    // Falls through to Vite, which does not publish anything (no JSON eventId).
    expect(publish.headers.get('content-type') ?? '').not.toContain('application/json')
    const requests = await fetch(new URL(ANSWERED_REQUESTS_PATH, plain.url))
    expect(requests.headers.get('content-type') ?? '').not.toContain('application/json')
  } finally {
    await plain.close()
  }
})
