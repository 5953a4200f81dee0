/**
 * `createTabsClient()` against the reference server, with tabs simulated by fake Web Locks and BroadcastChannels
 * (test/fakes/tabs.ts): one leader holds the connections, the others ride along; a leader that dies mid-stream is
 * replaced and every tab still gets every id once, in order; a follower's send is published once, also when the
 * leader dies between publishing it and answering.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTabsClient, type TabsClient } from '../../src/tabs'
import { createFakeOrigin, type FakeOrigin } from '../fakes/tabs'
import { fastClient, startServer, type Harness } from './harness'

type Schema = { ticker: { receive: { n: number } }; chat: { receive: { text: string }; send: { text: string } } }

let harness: Harness | undefined
const clients: TabsClient<Schema>[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await harness?.close()
  harness = undefined
})

async function openTabs(origin: FakeOrigin, count: number, fetchFor?: (i: number) => typeof fetch | undefined) {
  return Array.from({ length: count }, (_, i) => {
    const tab = origin.tab()
    const fetchImpl = fetchFor?.(i)
    const { sendChannels: _unused, ...base } = fastClient(
      harness!.baseUrl,
      fetchImpl ? { platform: { fetch: fetchImpl } } : {},
    )
    const client = createTabsClient<Schema>({
      ...base,
      tabs: { platform: tab.platform, settleMs: 20 },
    })
    clients.push(client)
    return { client, tab }
  })
}

const publishAll = async (h: Harness, channel: string, from: number, to: number): Promise<string[]> => {
  const ids: string[] = []
  for (let n = from; n < to; n++) ids.push(await h.server.publish(channel, { n, text: `m${n}` }))
  return ids
}

describe('createTabsClient (fake locks and BroadcastChannel, reference server)', () => {
  it('elects one leader: four tabs, one SSE stream, every tab gets every event once', async () => {
    harness = await startServer()
    const origin = createFakeOrigin()
    const tabs = await openTabs(origin, 4)
    const seen = tabs.map(() => [] as string[])
    const subs = tabs.map(({ client }, i) =>
      client.subscribe('ticker', { onEvent: (_d, meta) => void seen[i]!.push(meta.id!) }),
    )
    await Promise.all(subs.map((sub) => sub.ready()))
    expect(tabs.map(({ client }) => client.role).sort()).toEqual(['follower', 'follower', 'follower', 'leader'])
    expect(harness.server.stats().sse.open).toBe(1)
    const ids = await publishAll(harness, 'ticker', 0, 20)
    await vi.waitFor(() => expect(seen).toEqual(tabs.map(() => ids)), { timeout: 5000 })
    expect(subs.map((sub) => sub.lastEventId)).toEqual(tabs.map(() => ids.at(-1)))
    expect(harness.server.stats().sse.open + harness.server.stats().ws.open).toBe(1)
  })

  it('a leader that dies while events flow is replaced; the others get every id once, in order', {
    timeout: 20_000,
  }, async () => {
    harness = await startServer()
    const origin = createFakeOrigin()
    const tabs = await openTabs(origin, 4)
    const seen = tabs.map(() => [] as string[])
    const states = tabs.map(() => [] as string[])
    const subs = tabs.map(({ client }, i) =>
      client.subscribe('ticker', {
        onEvent: (_d, meta) => void seen[i]!.push(meta.id!),
        onState: ({ to }) => void states[i]!.push(to),
      }),
    )
    await Promise.all(subs.map((sub) => sub.ready()))
    const leaderAt = tabs.findIndex(({ client }) => client.role === 'leader')
    const ids = await publishAll(harness, 'ticker', 0, 10)
    await vi.waitFor(() => expect(seen.map((list) => list.length)).toEqual(tabs.map(() => 10)), { timeout: 5000 })
    ids.push(...(await publishAll(harness, 'ticker', 10, 30)))
    // Killed mid-stream: whatever it had not broadcast yet is lost with it, as in a browser.
    tabs[leaderAt]!.tab.kill()
    tabs[leaderAt]!.client.close()
    ids.push(...(await publishAll(harness, 'ticker', 30, 60)))
    const rest = tabs.map((_, i) => i).filter((i) => i !== leaderAt)
    await vi.waitFor(() => expect(rest.filter((i) => tabs[i]!.client.role === 'leader')).toHaveLength(1), {
      timeout: 5000,
    })
    ids.push(...(await publishAll(harness, 'ticker', 60, 80)))
    await vi.waitFor(() => expect(rest.map((i) => seen[i])).toEqual(rest.map(() => ids)), { timeout: 5000 })
    for (const i of rest) expect(states[i]).toContain('open')
    await vi.waitFor(() => expect(harness!.server.stats().sse.open).toBe(1), { timeout: 5000 })
  })

  it('a tab that joins later with an older cursor gets the channel replayed from it, once', {
    timeout: 20_000,
  }, async () => {
    harness = await startServer()
    const origin = createFakeOrigin()
    const [first] = await openTabs(origin, 1)
    const early = await publishAll(harness, 'ticker', 0, 5)
    const a = first!.client.subscribe('ticker')
    await a.ready()
    const live = await publishAll(harness, 'ticker', 5, 10)
    const [second] = await openTabs(origin, 1)
    const seen: string[] = []
    second!.client.subscribe('ticker', { lastEventId: early[1]!, onEvent: (_d, meta) => void seen.push(meta.id!) })
    await vi.waitFor(() => expect(seen).toEqual([...early.slice(2), ...live]), { timeout: 5000 })
  })

  it('a send from a follower is published once, also when the leader dies before it answers', async () => {
    harness = await startServer()
    const origin = createFakeOrigin()
    const publishes: string[] = []
    // The first leader publishes, then never hears the answer (it dies before it can ack).
    const recording =
      (lossy: boolean): typeof fetch =>
      async (input, init) => {
        const response = await fetch(input, init)
        if (!String(input).endsWith('/publish')) return response
        publishes.push(JSON.parse(String(init?.body)).mid)
        return lossy ? new Promise<Response>(() => undefined) : response
      }
    const tabs = await openTabs(origin, 3, (i) => recording(i === 0))
    await vi.waitFor(() => expect(tabs[0]!.client.role).toBe('leader'))
    const events: string[] = []
    const watcher = tabs[2]!.client.subscribe('chat', { key: 'x', onEvent: (_d, meta) => void events.push(meta.id!) })
    await watcher.ready()
    const chat = tabs[1]!.client.subscribe('chat', { key: 'x' })
    const sent = chat.send({ text: 'once' })
    await vi.waitFor(() => expect(publishes).toHaveLength(1), { timeout: 5000 })
    tabs[0]!.tab.kill()
    tabs[0]!.client.close()
    const { eventId } = await sent
    // Published twice with one mid (by the dead leader, then by the new one); the server published it once.
    expect(publishes).toHaveLength(2)
    expect(publishes[1]).toBe(publishes[0])
    const marker = await harness.server.publish('chat:x', { text: 'marker' })
    await vi.waitFor(() => expect(events).toEqual([eventId, marker]), { timeout: 5000 })
  })

  it('a follower killed without bye is forgotten: the server stops its channel; the shared one stays', {
    timeout: 20_000,
  }, async () => {
    harness = await startServer()
    const origin = createFakeOrigin()
    const tabs = await openTabs(origin, 3)
    await vi.waitFor(() => expect(tabs[0]!.client.role).toBe('leader'))
    const shared = tabs.map(({ client }) => client.subscribe('ticker'))
    const own = tabs[2]!.client.subscribe('chat', { key: 'gone' })
    await Promise.all([...shared, own].map((sub) => sub.ready()))
    await vi.waitFor(() => expect(harness!.server.stats().channels).toMatchObject({ ticker: 1, 'chat:gone': 1 }))
    tabs[2]!.tab.kill() // no close(), no bye: only its lock is let go, as when a renderer crashes
    await vi.waitFor(() => expect(harness!.server.stats().channels['chat:gone'] ?? 0).toBe(0), { timeout: 5000 })
    expect(harness.server.stats().channels.ticker).toBe(1)
    const seen: string[] = []
    const after = tabs[1]!.client.subscribe('ticker', { onEvent: (_d, meta) => void seen.push(meta.id!) })
    await after.ready()
    const ids = await publishAll(harness, 'ticker', 0, 5)
    await vi.waitFor(() => expect(seen).toEqual(ids), { timeout: 5000 })
  })

  it('a live tab forgotten by mistake (its lock lost) re-sends its channel with its cursor: no id lost or repeated', {
    timeout: 20_000,
  }, async () => {
    harness = await startServer()
    const origin = createFakeOrigin()
    const [first] = await openTabs(origin, 1)
    await vi.waitFor(() => expect(first!.client.role).toBe('leader'))
    // The follower's own lock is let go once, while it lives (as if stolen): the leader finds it free.
    const shaky = origin.tab()
    const real = shaky.platform.locks!
    let loseNow = (): void => undefined
    let once = true
    const { sendChannels: _unused, ...base } = fastClient(harness.baseUrl)
    const follower = createTabsClient<Schema>({
      ...base,
      tabs: {
        settleMs: 20,
        platform: {
          ...shaky.platform,
          locks: {
            request(name, options, callback) {
              if (!name.includes('#') || !once) return real.request(name, options, callback)
              once = false
              return real.request(name, options, (lock) =>
                Promise.race([callback(lock), new Promise<void>((resolve) => void (loseNow = resolve))]),
              )
            },
          },
        },
      },
    })
    clients.push(follower)
    const seen: string[] = []
    const sub = follower.subscribe('ticker', { onEvent: (_d, meta) => void seen.push(meta.id!) })
    await sub.ready()
    const ids = await publishAll(harness, 'ticker', 0, 10)
    await vi.waitFor(() => expect(seen).toEqual(ids), { timeout: 5000 })
    loseNow()
    ids.push(...(await publishAll(harness, 'ticker', 10, 20)))
    await vi.waitFor(() => expect(seen).toEqual(ids), { timeout: 5000 })
    ids.push(...(await publishAll(harness, 'ticker', 20, 25)))
    await vi.waitFor(() => expect(seen).toEqual(ids), { timeout: 5000 })
    expect(harness.server.stats().channels.ticker).toBe(1)
  })

  it('named events reach on(name) in every tab, leader and followers, once each', async () => {
    harness = await startServer()
    const origin = createFakeOrigin()
    const tabs = await openTabs(origin, 3)
    const typing = tabs.map(() => [] as number[])
    const subs = tabs.map(({ client }, i) => {
      const sub = client.subscribe('ticker')
      sub.on('typing', (data) => void typing[i]!.push(data.n))
      return sub
    })
    await Promise.all(subs.map((sub) => sub.ready()))
    await harness.server.publish('ticker', { n: 1 }, { event: 'typing' })
    await harness.server.publish('ticker', { n: 2 }) // unnamed: not a 'typing' event
    await harness.server.publish('ticker', { n: 3 }, { event: 'typing' })
    await vi.waitFor(() => expect(typing).toEqual(tabs.map(() => [1, 3])), { timeout: 5000 })
    expect(tabs.map(({ client }) => client.role).sort()).toEqual(['follower', 'follower', 'leader'])
  })
})
