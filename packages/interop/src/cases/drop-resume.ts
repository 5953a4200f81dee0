/**
 * Drop and resume: every connection is reset at once (a crash, a deploy). The client reconnects and — where the
 * server replays from `Last-Event-ID` — gets what was published while it was away; every event arrives exactly
 * once, in order, and the reconnect carries the last id the client saw. Servers that number events per
 * connection (ids repeat after the reconnect) must lose nothing either.
 * WebSocket: a server that closes with an application close code (RFC 6455: 4000–4999 are the app's) is
 * reconnected too.
 */
import { expect } from 'vitest'
import type { ServerHandle } from '../harness/types'
import { items, optionsFor, until, withRecording, type Case } from './support'

async function resumeAfter(server: ServerHandle, fail: () => Promise<void>): Promise<void> {
  await withRecording(server.url, optionsFor(server), async (recording) => {
    await until(async () => (await server.streams()).length === 1)
    const before = items('a', 4)
    await server.publish(before)
    await until(() => recording.events.length >= before.length)
    const cursor = recording.subscription.lastEventId
    await fail()
    // Published while the client is away: only a server that replays can deliver these.
    const away = server.resumes ? items('b', 2) : []
    if (away.length > 0) await server.publish(away)
    await until(async () => (await server.streams()).length === 2)
    const after = items('c', 3)
    await server.publish(after)
    const expected = [...before, ...away, ...after]
    // The stream is ordered: once the last event is in, anything duplicated before it is in too.
    await until(() => JSON.stringify(recording.data().at(-1)) === JSON.stringify(expected.at(-1)))
    expect(recording.data()).toEqual(expected)
    expect(recording.closed()).toBeUndefined()
    if (server.kind === 'sse') expect((await server.streams())[1]?.lastEventId).toBe(cursor ?? null)
  })
}

export const dropResume: Case = {
  id: 'drop-resume',
  applies: (server) => server.stream,
  checks: [
    {
      name: 'every event exactly once, in order, after a reset',
      run: (server) => resumeAfter(server, () => server.drop()),
    },
    {
      name: 'an application close code (4000) reconnects',
      applies: (server) => server.kind === 'websocket',
      run: (server) => resumeAfter(server, () => server.closeWith(4000, 'server restart')),
    },
  ],
}
