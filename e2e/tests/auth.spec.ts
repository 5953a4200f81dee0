import { expect, test } from '../fixtures'

test('the token provider is called on connect and again after the server answers 401', async ({
  playground,
  server,
}) => {
  const start = (await server.requests()).length
  const sseSince = async (seq: number) =>
    (await server.requests(seq)).filter((r) => r.path === '/sse').map(({ token, status }) => ({ token, status }))

  await playground.open({ channels: ['ticker'], token: 1 })
  await expect(playground.field('ticker', 'state')).toHaveText('open')
  // The server saw the provider's first token on the one SSE request, and accepted it.
  expect(await sseSince(start)).toEqual([{ token: 'playground-token-1', status: 200 }])
  await expect(playground.page.getByTestId('token-calls')).toHaveText('1')

  const before = await server.stats()
  const mark = (await server.requests()).length
  await server.fault('unauthorizeNext', { n: 1 })
  await server.fault('drop', { transport: 'sse' })

  // Reconnect: the next token is answered 401, then the provider is asked again and that new token is accepted.
  await expect.poll(async () => (await server.stats()).faults.unauthorizedSent).toBe(before.faults.unauthorizedSent + 1)
  await expect.poll(async () => (await sseSince(mark)).map((r) => r.status)).toEqual([401, 200])
  const [refused, accepted] = await sseSince(mark)
  const calls = await playground.surface((s) => s.tokenCalls)
  expect(refused!.token).toMatch(/^playground-token-\d+$/)
  expect(refused!.token).not.toBe('playground-token-1')
  expect(accepted!.token).toBe(`playground-token-${calls}`) // the provider's latest
  expect(accepted!.token).not.toBe(refused!.token)
  await expect(playground.page.getByTestId('token-calls')).toHaveText(String(calls))

  await expect(playground.field('ticker', 'state')).toHaveText('open')
  const lastSeen = await playground.field('ticker', 'last-event-id').textContent()
  await expect(playground.field('ticker', 'last-event-id')).not.toHaveText(lastSeen!)
  const after = await server.stats()
  expect(after.sse.open).toBe(1)
  expect(after.sse.accepted - before.sse.accepted).toBe(1)
  expect(after.faults.unauthorizedSent - before.faults.unauthorizedSent).toBe(1)
})
