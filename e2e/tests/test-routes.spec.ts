import { fileURLToPath } from 'node:url'
import { startPlayground } from '../../playground/serve'
import { expect, test } from '../fixtures'

// Server-side checks of the playground's test-only routes: no page, so the config runs them in Chromium only.

const PUBLISH = '__playground/publish'

test('POST /__playground/publish takes application/json only, up to 64 KB', async ({ server }) => {
  const post = (body: string, type = 'application/json') =>
    fetch(`${server.url}${PUBLISH}`, { method: 'POST', headers: { 'content-type': type }, body })

  const ok = await post(JSON.stringify({ channel: 'ticker', data: { n: 1 } }))
  expect(ok.status).toBe(200)
  expect(((await ok.json()) as { eventId: string }).eventId).toMatch(/\S/)
  expect((await post(JSON.stringify({ channel: 'ticker', data: 1 }), 'text/plain')).status).toBe(415)
  expect((await post('{not json')).status).toBe(400)
  expect((await post(JSON.stringify({ data: 1 }))).status).toBe(400)
  const big = JSON.stringify({ channel: 'ticker', data: 'x'.repeat(64 * 1024) })
  expect((await post(big)).status).toBe(413)
})

test('without testRoutes the playground mounts no test route', async () => {
  const plain = await startPlayground({
    demo: false,
    cacheDir: fileURLToPath(new URL('../node_modules/.vite-e2e-plain', import.meta.url)),
  })
  try {
    const publish = await fetch(`${plain.url}${PUBLISH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'ticker', data: 1 }),
    })
    // Falls through to Vite, which does not publish anything (no JSON eventId).
    expect(publish.headers.get('content-type') ?? '').not.toContain('application/json')
    const requests = await fetch(`${plain.url}__playground/requests`)
    expect(requests.headers.get('content-type') ?? '').not.toContain('application/json')
  } finally {
    await plain.close()
  }
})
