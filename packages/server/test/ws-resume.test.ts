import { describe, expect, it } from 'vitest'
import { installCleanup, publishEach, startServer, subscribeWs } from './helpers'

installCleanup()

const isEvent = (f: Record<string, unknown>): boolean => f.type === 'event'

describe('WebSocket resume (cursors, R6–R9)', () => {
  it('R6: subscribe with a cursor replays exactly the missed events before live ones', async () => {
    const { wsUrl, server } = await startServer()
    const ids = await publishEach([1, 2, 3], (n) => server.publish('chat', n))
    await server.publish('ticker', 'other channel')
    const client = await subscribeWs(wsUrl, 'chat', ids[0])
    const live = await server.publish('chat', 4)
    await client.waitFor(isEvent, 3)
    expect(client.frames.filter(isEvent).map((f) => f.id)).toEqual([ids[1], ids[2], live])
    expect(client.frames.some((f) => f.type === 'gap')).toBe(false)
    // subscribed comes before the replay
    expect(client.frames.findIndex((f) => f.type === 'subscribed')).toBeLessThan(client.frames.findIndex(isEvent))
  })

  it('R7: subscribe with an evicted cursor gets a gap frame, then the retained events', async () => {
    const { wsUrl, server } = await startServer({ retention: { maxEvents: 1 } })
    const ids = await publishEach([1, 2, 3], (n) => server.publish('chat', n))
    const client = await subscribeWs(wsUrl, 'chat', ids[0])
    await client.waitFor(isEvent)
    const after = client.frames.slice(client.frames.findIndex((f) => f.type === 'subscribed') + 1)
    expect(after).toEqual([
      { type: 'gap', channel: 'chat', from: ids[0], to: ids[2], reason: 'retention' },
      { type: 'event', channel: 'chat', id: ids[2], data: 3 },
    ])
  })

  it('R7/R8: an unknown-epoch or malformed cursor gets an epoch gap', async () => {
    const { wsUrl, server } = await startServer()
    const id = await server.publish('chat', 1)
    for (const cursor of ['zz-5', 'garbage']) {
      const client = await subscribeWs(wsUrl, 'chat', cursor)
      await client.waitFor(isEvent)
      expect(client.frames.find((f) => f.type === 'gap')).toEqual({
        type: 'gap',
        channel: 'chat',
        from: cursor,
        to: id,
        reason: 'epoch',
      })
    }
  })

  it('R9: subscribe without a cursor delivers live events only', async () => {
    const { wsUrl, server } = await startServer()
    await server.publish('chat', 'old')
    const client = await subscribeWs(wsUrl, 'chat')
    await server.publish('chat', 'new')
    await client.waitFor(isEvent)
    expect(client.frames.filter(isEvent).map((f) => f.data)).toEqual(['new'])
  })

  it('R8: a cursor of the current epoch with a seq beyond the counter gets an epoch gap', async () => {
    const { wsUrl, server } = await startServer()
    const first = await server.publish('chat', 1)
    const second = await server.publish('chat', 2)
    const future = `${server.epoch}-999`
    const client = await subscribeWs(wsUrl, 'chat', future)
    await client.waitFor(isEvent, 2)
    const after = client.frames.slice(client.frames.findIndex((f) => f.type === 'subscribed') + 1)
    expect(after).toEqual([
      { type: 'gap', channel: 'chat', from: future, to: first, reason: 'epoch' },
      { type: 'event', channel: 'chat', id: first, data: 1 },
      { type: 'event', channel: 'chat', id: second, data: 2 },
    ])
  })

  it('R9: subscribed.cursor is the head: the newest id in the log (any channel), or <epoch>-0', async () => {
    const { wsUrl, server } = await startServer()
    const empty = await subscribeWs(wsUrl, 'chat')
    expect(empty.frames.find((f) => f.type === 'subscribed')).toEqual({
      type: 'subscribed',
      id: 1,
      channel: 'chat',
      cursor: `${server.epoch}-0`,
    })
    await server.publish('chat', 1)
    const head = await server.publish('ticker', 'other channel')
    const client = await subscribeWs(wsUrl, 'chat')
    expect(client.frames.find((f) => f.type === 'subscribed')).toEqual({
      type: 'subscribed',
      id: 1,
      channel: 'chat',
      cursor: head,
    })
  })

  it('R9: resuming from the head cursor of a cursor-less subscribe replays exactly the missed events', async () => {
    const { wsUrl, server } = await startServer()
    await server.publish('chat', 'before')
    const first = await subscribeWs(wsUrl, 'chat')
    const cursor = first.frames.find((f) => f.type === 'subscribed')?.cursor as string
    first.ws.close()
    await first.closed
    const missed = await publishEach([1, 2], (n) => server.publish('chat', n))
    await server.publish('ticker', 'not subscribed')
    const again = await subscribeWs(wsUrl, 'chat', cursor)
    await again.waitFor(isEvent, 2)
    const live = await server.publish('chat', 'live')
    await again.waitFor(isEvent, 3)
    expect(again.frames.filter(isEvent).map((f) => f.id)).toEqual([...missed, live])
    expect(again.frames.some((f) => f.type === 'gap')).toBe(false)
  })
})
