/**
 * The protocol's guarantees across instances of one cluster on a real redis-server (docs/protocol.md §3–§4): one id
 * sequence, one order, a cursor from one instance valid on every other (R6–R9), retention and R8, `mid`
 * idempotence (R22). Clients are not ours: fetch-read SSE and `ws`.
 */
import { describe, expect, it } from 'vitest'
import { parseEventId } from '@switchline/client/protocol'
import { onRedis, useRedisEngine } from '../engine-under-test'
import {
  channelEvents,
  installCleanup,
  openRawSse,
  postPublish,
  publishEach,
  subscribeWs,
  waitFor,
  type SseEvent,
} from '../helpers'
import { range, seqOf, startCluster } from '../support/cluster'

useRedisEngine()
installCleanup()

const isMessage = (e: SseEvent): boolean => e.event === 'message'
const isReady = (e: SseEvent): boolean => e.event === 'sl-ready'
const isEvent = (f: Record<string, unknown>): boolean => f.type === 'event'

describe('one cluster, two instances (Redis engine)', () => {
  it('runs on Redis: both instances report the redis engine and one epoch', async () => {
    const [a, b] = await startCluster()
    expect(onRedis()).toBe(true)
    expect(a?.server.stats().engine).toEqual({ name: 'redis', ready: true, state: 'ready' })
    expect(a?.server.epoch).toMatch(/^[a-z0-9]{1,16}$/)
    expect(b?.server.epoch).toBe(a?.server.epoch)
  })

  it('a publish on A reaches SSE and WebSocket subscribers on B with the same id', async () => {
    const [a, b] = await startCluster()
    if (!a || !b) throw new Error('cluster')
    const sse = await openRawSse(`${b.baseUrl}/sse?channels=chat`)
    await sse.waitForEvents(isReady)
    const ws = await subscribeWs(b.wsUrl, 'chat')
    const id = await a.server.publish('chat', { text: 'from A' }, { event: 'said' })
    await sse.waitForEvents(isMessage)
    await ws.waitFor(isEvent)
    expect(channelEvents(sse.events)).toEqual([{ id, channel: 'chat', data: { text: 'from A' }, event: 'said' }])
    expect(ws.frames.filter(isEvent)).toEqual([
      { type: 'event', channel: 'chat', id, data: { text: 'from A' }, event: 'said' },
    ])
    expect(parseEventId(id)?.epoch).toBe(b.server.epoch)
  })

  it('two concurrent publishers (one per instance) are seen in the same order by every subscriber everywhere', async () => {
    const [a, b] = await startCluster()
    if (!a || !b) throw new Error('cluster')
    const sseA = await openRawSse(`${a.baseUrl}/sse?channels=chat,ticker`)
    const sseB = await openRawSse(`${b.baseUrl}/sse?channels=chat,ticker`)
    await sseA.waitForEvents(isReady)
    await sseB.waitForEvents(isReady)
    const wsA = await subscribeWs(a.wsUrl, 'chat')
    wsA.send({ type: 'subscribe', id: 2, channel: 'ticker' })
    await wsA.waitFor((f) => f.type === 'subscribed' && f.channel === 'ticker')
    const wsB = await subscribeWs(b.wsUrl, 'chat')
    wsB.send({ type: 'subscribe', id: 2, channel: 'ticker' })
    await wsB.waitFor((f) => f.type === 'subscribed' && f.channel === 'ticker')

    const count = 300
    const [fromA, fromB] = await Promise.all([
      publishEach(range(count), (n) => a.server.publish('chat', { n })),
      publishEach(range(count), (n) => b.server.publish('ticker', { n })),
    ])
    const all = [...fromA, ...fromB].sort((x, y) => seqOf(x) - seqOf(y))
    await sseA.waitForEvents(isMessage, 2 * count, 10_000)
    await sseB.waitForEvents(isMessage, 2 * count, 10_000)
    await wsA.waitFor(isEvent, 2 * count, 10_000)
    await wsB.waitFor(isEvent, 2 * count, 10_000)
    // One order: the cluster's seq order, identical on both instances and both transports.
    expect(channelEvents(sseA.events).map((e) => e.id)).toEqual(all)
    expect(channelEvents(sseB.events).map((e) => e.id)).toEqual(all)
    expect(wsA.frames.filter(isEvent).map((f) => f.id)).toEqual(all)
    expect(wsB.frames.filter(isEvent).map((f) => f.id)).toEqual(all)
    expect(new Set(all.map(seqOf)).size).toBe(2 * count)
  })

  it('an SSE client on two channels, cut mid-stream on A, resumes on B with exactly the remainder, merged in seq order', async () => {
    const [a, b] = await startCluster()
    if (!a || !b) throw new Error('cluster')
    const first = await openRawSse(`${a.baseUrl}/sse?channels=chat,ticker`)
    await first.waitForEvents(isReady)
    const total = 40
    const published: string[] = []
    let cut: { id: string; seen: string[] } | undefined
    for (const n of range(total)) {
      // Both instances publish, to both channels; the stream is cut while events are still flowing.
      const node = n % 3 === 0 ? b : a
      published.push(await node.server.publish(n % 2 === 0 ? 'chat' : 'ticker', { n }))
      if (n === 17) {
        await first.waitForEvents(isMessage, 10)
        const seen = channelEvents(first.events).map((e) => e.id)
        first.close()
        cut = { id: seen.at(-1) as string, seen }
      }
    }
    if (!cut) throw new Error('not cut')
    const second = await openRawSse(`${b.baseUrl}/sse?channels=chat,ticker`, { 'Last-Event-ID': cut.id })
    const remainder = published.filter((id) => seqOf(id) > seqOf(cut.id))
    await second.waitForEvents(isMessage, remainder.length)
    expect(channelEvents(second.events).map((e) => e.id)).toEqual(remainder)
    expect(second.events.some((e) => e.event === 'sl-gap')).toBe(false)
    // Nothing lost, nothing twice: what the first stream saw plus the remainder is everything, in order.
    expect([...cut.seen, ...remainder]).toEqual(published)
  })

  it('subscribers joining on A while B publishes a flood get exactly what follows their head (R9) or their cursor (R6)', async () => {
    const [a, b] = await startCluster()
    if (!a || !b) throw new Error('cluster')
    const total = 400
    const published: string[] = [await b.server.publish('chat', { n: -1 })]
    const flood = publishEach(range(total), async (n) => {
      const id = await b.server.publish('chat', { n })
      published.push(id)
      return id
    })
    const joined: {
      sse: Awaited<ReturnType<typeof openRawSse>>
      ws: Awaited<ReturnType<typeof subscribeWs>>
      cursor: string
    }[] = []
    for (const step of range(8)) {
      await waitFor(() => published.length > step * (total / 10), { what: `${step * (total / 10)} published` })
      const cursor = published.at(-1) as string
      const sse = await openRawSse(`${a.baseUrl}/sse?channels=chat`)
      joined.push({ sse, ws: await subscribeWs(a.wsUrl, 'chat', cursor), cursor })
    }
    await flood
    for (const { sse, ws, cursor } of joined) {
      const [ready] = await sse.waitForEvents(isReady)
      const head = (JSON.parse(ready?.data ?? '') as { cursor: string }).cursor
      const afterHead = published.filter((id) => seqOf(id) > seqOf(head))
      const afterCursor = published.filter((id) => seqOf(id) > seqOf(cursor))
      await sse.waitForEvents(isMessage, afterHead.length, 10_000)
      await ws.waitFor(isEvent, afterCursor.length, 10_000)
      expect(channelEvents(sse.events).map((e) => e.id)).toEqual(afterHead)
      expect(ws.frames.filter(isEvent).map((f) => f.id)).toEqual(afterCursor)
    }
  })

  it('R9 across instances: the head cursor from A resumes on B with exactly what was published after it', async () => {
    const [a, b] = await startCluster()
    if (!a || !b) throw new Error('cluster')
    await a.server.publish('chat', 'before')
    const newest = await b.server.publish('ticker', 'newest, another channel, another instance')
    const first = await subscribeWs(a.wsUrl, 'chat')
    const head = first.frames.find((f) => f.type === 'subscribed')?.cursor as string
    expect(head).toBe(newest)
    first.ws.close()
    await first.closed
    const missed = [await b.server.publish('chat', 1), await a.server.publish('chat', 2)]
    await a.server.publish('ticker', 'not subscribed')
    const again = await subscribeWs(b.wsUrl, 'chat', head)
    await again.waitFor(isEvent, 2)
    const live = await a.server.publish('chat', 'live')
    await again.waitFor(isEvent, 3)
    expect(again.frames.filter(isEvent).map((f) => f.id)).toEqual([...missed, live])
    expect(again.frames.some((f) => f.type === 'gap')).toBe(false)
  })

  it('retention by count and by age, and R8 cursors, are the same on every instance', async () => {
    let now = 1_700_000_000_000
    const [a, b] = await startCluster(2, { retention: { maxEvents: 3, maxAgeMs: 1000 }, now: () => now })
    if (!a || !b) throw new Error('cluster')
    const ids = await publishEach(range(5), (n) => (n % 2 === 0 ? a : b).server.publish('chat', n))
    // By count: 3 retained on B as on A; a cursor older than them gets a retention gap to the oldest retained.
    for (const node of [a, b]) {
      const ws = await subscribeWs(node.wsUrl, 'chat', ids[0])
      await ws.waitFor(isEvent, 3)
      const after = ws.frames.slice(ws.frames.findIndex((f) => f.type === 'subscribed') + 1)
      expect(after).toEqual([
        { type: 'gap', channel: 'chat', from: ids[0], to: ids[2], reason: 'retention' },
        ...[2, 3, 4].map((n) => ({ type: 'event', channel: 'chat', id: ids[n], data: n })),
      ])
    }
    // A cursor within retention: no gap.
    const recent = await openRawSse(`${b.baseUrl}/sse?channels=chat`, { 'Last-Event-ID': ids[3] as string })
    await recent.waitForEvents(isMessage)
    expect(recent.events.filter((e) => e.event !== 'sl-ready').map((e) => [e.event, e.id])).toEqual([
      ['message', ids[4]],
    ])
    // By age: everything is older than maxAgeMs on both instances' clock.
    now += 1001
    const aged = await openRawSse(`${a.baseUrl}/sse?channels=chat`, { 'Last-Event-ID': ids[3] as string })
    await aged.waitForEvents((e) => e.event === 'sl-gap')
    expect(JSON.parse(aged.events.find((e) => e.event === 'sl-gap')?.data ?? '')).toEqual({
      channel: 'chat',
      from: ids[3],
      to: null,
      reason: 'retention',
    })
    // R8: beyond the cluster's counter, or malformed → an epoch gap on any instance.
    const fresh = await a.server.publish('chat', 'fresh')
    for (const cursor of [`${a.server.epoch}-99999`, 'garbage', 'old1-3']) {
      const ws = await subscribeWs(b.wsUrl, 'chat', cursor)
      await ws.waitFor(isEvent)
      expect(ws.frames.find((f) => f.type === 'gap')).toEqual({
        type: 'gap',
        channel: 'chat',
        from: cursor,
        to: fresh,
        reason: 'epoch',
      })
    }
  })

  it('R22: a mid repeated on another instance answers the original id and is published once', async () => {
    const [a, b] = await startCluster()
    if (!a || !b) throw new Error('cluster')
    const sse = await openRawSse(`${b.baseUrl}/sse?channels=chat`)
    await sse.waitForEvents(isReady)
    const first = await postPublish(a.baseUrl, { channel: 'chat', data: 'once', mid: 'm-1' })
    const again = await postPublish(b.baseUrl, { channel: 'chat', data: 'once', mid: 'm-1' })
    const ws = await subscribeWs(b.wsUrl, 'ticker')
    ws.send({ type: 'publish', id: 7, channel: 'chat', data: 'once', mid: 'm-1' })
    const [ack] = await ws.waitFor((f) => f.type === 'ack')
    const other = await postPublish(b.baseUrl, { channel: 'chat', data: 'another', mid: 'm-2' })
    await sse.waitForEvents(isMessage, 2)
    expect(first.status).toBe(200)
    expect(again.json).toEqual(first.json)
    expect(ack).toEqual({ type: 'ack', id: 7, eventId: first.json.eventId })
    expect(channelEvents(sse.events).map((e) => [e.id, e.data])).toEqual([
      [first.json.eventId, 'once'],
      [other.json.eventId, 'another'],
    ])
    expect(a.server.stats().publishes + b.server.stats().publishes).toBe(2)
  })

  it('a channel forgotten after idleChannelTtlMs reports a retention gap to old cursors, never silence', async () => {
    let now = 1_700_000_000_000
    const [a, b] = await startCluster(2, { now: () => now }, { idleChannelTtlMs: 60_000 })
    if (!a || !b) throw new Error('cluster')
    const [old] = await publishEach(range(3), (n) => a.server.publish('chat:idle', n))
    now += 120_000
    await b.server.publish('ticker', 'forgets chat:idle (idle for longer than the TTL)')
    const after = await b.server.publish('ticker', 'later')
    const ws = await subscribeWs(b.wsUrl, 'chat:idle', old)
    await ws.waitFor((f) => f.type === 'gap')
    expect(ws.frames.find((f) => f.type === 'gap')).toEqual({
      type: 'gap',
      channel: 'chat:idle',
      from: old,
      to: null,
      reason: 'retention',
    })
    // A cursor newer than every forgotten event: a channel without metadata has nothing to report.
    const quiet = await subscribeWs(a.wsUrl, 'clock', after)
    const live = await b.server.publish('clock', 'tick')
    await quiet.waitFor(isEvent)
    expect(quiet.frames.filter((f) => f.type === 'gap' || isEvent(f)).map((f) => f.id ?? f.type)).toEqual([live])
  })
})
