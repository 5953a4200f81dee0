/**
 * Mocked endpoints (msw's Service Worker and WebSocket interception) where a mock is the better test: exact
 * control of what a third-party SSE endpoint sends and when it fails, and a WebSocket server that is not ours.
 * msw installs its `WebSocket` after the SDK was imported — the SDK sees it because it looks it up at connect time.
 */
import { sse, ws } from 'msw'
import { setupWorker } from 'msw/browser'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { subscribe } from '../../src/index'
import { until } from './support'

const worker = setupWorker()

beforeAll(async () => {
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' })
})
afterEach(() => worker.resetHandlers())
afterAll(() => worker.stop())

it("resumes a third-party SSE stream after an error with the last event id; dedupe: 'unique' delivers each event once", async () => {
  const cursors: (string | null)[] = []
  let first: { error(): void } | undefined
  worker.use(
    sse('/mock/events', ({ client, request }) => {
      cursors.push(request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId'))
      if (!first) {
        first = client
        client.send({ id: '1', data: 'a' })
        client.send({ id: '2', data: 'b' })
      } else {
        client.send({ id: '2', data: 'b' }) // a server that replays one too many: dropped (dedupe: 'unique')
        client.send({ id: '3', data: 'c' })
      }
    }),
  )
  const seen: string[] = []
  const sub = subscribe<string>('/mock/events', {
    format: 'text',
    dedupe: 'unique', // ids are a cursor unless the app opts in
    reconnect: { backoff: () => 0 },
    onEvent: (d) => seen.push(d),
  })
  await until(() => seen.length === 2)
  first?.error() // the connection breaks after 'b'
  await until(() => seen.length >= 3)
  expect(seen).toEqual(['a', 'b', 'c'])
  expect(cursors).toEqual([null, '2'])
  expect(sub.lastEventId).toBe('3')
  sub.close()
})

it('ends cleanly on the done sentinel without reconnecting', async () => {
  let connections = 0
  worker.use(
    sse('/mock/completion', ({ client }) => {
      connections += 1
      client.send({ data: 'token-1' })
      client.send({ data: '[DONE]' })
    }),
  )
  const seen: string[] = []
  const sub = subscribe<string>('/mock/completion', { format: 'text', done: '[DONE]', onEvent: (d) => seen.push(d) })
  await until(() => sub.state === 'closed')
  expect(seen).toEqual(['token-1'])
  expect(connections).toBe(1)
})

it('talks to a mocked WebSocket installed after the SDK loaded', async () => {
  const api = ws.link('ws://mock.test/socket')
  worker.use(
    api.addEventListener('connection', ({ client }) => {
      client.send('hello')
      client.addEventListener('message', (event) => client.send(`echo:${String(event.data)}`))
    }),
  )
  const seen: string[] = []
  const sub = subscribe<string>('ws://mock.test/socket', { format: 'text', onEvent: (d) => seen.push(d) })
  await until(() => seen.includes('hello'))
  expect(sub.transport).toBe('websocket')
  await sub.send('ping')
  await until(() => seen.includes('echo:ping'))
  sub.close()
})
