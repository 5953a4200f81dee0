/**
 * Sends over HTTP POST across a half-open connection (issue 9, item 2): a TCP proxy between the client and the
 * reference server stops forwarding without closing anything, then heals. Each POST has its own deadline, is
 * aborted and re-sent with the same `mid`; the queue moves on. Every send is published exactly once and none is
 * rejected, though the network was dead for a while.
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest'
import { exponentialBackoff } from '../../src/core/backoff'
import type { Subscription } from '../../src/types'
import { startHalfOpenProxy, type HalfOpenMode, type HalfOpenProxy } from '../support/half-open-proxy'
import { createWaiter, range, useServerAndClient } from './harness'

type Schema = { chat: { receive: { text: string }; send: { text: string } } }

const setup = useServerAndClient<Schema>()
let proxy: HalfOpenProxy | undefined
afterEach(async () => {
  await proxy?.close() // before the harness closes the server: the dead connections go with it
  proxy = undefined
})

const SENDS = 5

async function sendAcrossHalfOpen(mode: HalfOpenMode) {
  const published = new Map<string, string[]>()
  const h = await setup.startServer({
    onPublish: (event) => {
      const text = (event.data as { text?: string } | null)?.text
      if (text !== undefined) published.set(text, [...(published.get(text) ?? []), event.source])
    },
  })
  proxy = await startHalfOpenProxy(new URL(h.baseUrl).port === '' ? 80 : Number(new URL(h.baseUrl).port))
  const waiter = createWaiter()
  const log: string[] = []
  onTestFailed(() => console.log(log.join('\n')))
  const rt = setup.createClient({
    url: proxy.through(h.baseUrl),
    transport: 'sse', // every send is a POST
    publishTimeoutMs: 300,
    ackTimeoutMs: 20_000,
    connectTimeoutMs: 500, // the stream goes half-open too: it reconnects through the healed proxy
    stallTimeoutMs: 600,
    reconnect: { backoff: exponentialBackoff({ initialDelayMs: 20, maxDelayMs: 100 }) },
  })
  const received: string[] = []
  const sub = rt.subscribe('chat', {
    key: 'half-open',
    onEvent: (data) => {
      received.push(data.text)
      waiter.notify()
    },
    onState: (change) => {
      log.push(`state ${change.from}→${change.to} ${change.reason ?? ''}`)
      waiter.notify()
    },
    onError: (error) => log.push(`error ${error.code}: ${error.message}`),
  }) as Subscription<{ text: string }, { text: string }>
  await waiter.until(() => sub.state === 'open', 'chat open')
  await expect(sub.send({ text: 'warm-up' })).resolves.toMatchObject({ eventId: expect.any(String) })

  proxy.halfOpen(mode)
  const outcomes = range(SENDS).map((i) =>
    sub.send({ text: `m${i}` }).then(
      (result) => {
        log.push(`m${i} → ${result.eventId}`)
        return result
      },
      (error: unknown) => {
        log.push(`m${i} rejected: ${String(error)}`)
        throw error
      },
    ),
  )
  // The first POST went into the dead connection: its request (both) or its answer (responses) was swallowed.
  const live = proxy
  if (mode === 'both') await waiter.until(() => live.swallowed.up > 0, 'the first POST swallowed')
  else await waiter.until(() => published.has('m0') && live.swallowed.down > 0, 'm0 published, its answer swallowed')
  proxy.heal()

  const results = await Promise.allSettled(outcomes)
  expect(results.map((r) => r.status)).toEqual(Array(SENDS).fill('fulfilled'))
  const texts = ['warm-up', ...range(SENDS).map((i) => `m${i}`)]
  await waiter.until(() => texts.every((t) => received.includes(t)), 'every send back on the stream')
  // Each published exactly once, over HTTP, in send order, and delivered once.
  for (const text of texts) expect(published.get(text), text).toEqual(['http'])
  expect([...published.keys()]).toEqual(texts)
  expect(received).toEqual(texts)
  return { results, published }
}

describe('sends over HTTP POST through a half-open connection', { timeout: 30_000 }, () => {
  it('requests swallowed (nothing forwarded either way): each POST is aborted at its deadline and re-sent once healed', async () => {
    await sendAcrossHalfOpen('both')
  })

  it('answers swallowed (the server published, the client never heard): re-sent with the same mid, published once', async () => {
    const { results } = await sendAcrossHalfOpen('responses')
    const ids = results.map((r) => (r as PromiseFulfilledResult<{ eventId: string }>).value.eventId)
    expect(new Set(ids).size).toBe(SENDS)
  })
})
