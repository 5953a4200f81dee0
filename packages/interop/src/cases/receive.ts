/**
 * Receive: a live stream delivers what the server publishes, in order, decoded, once — with no error reported,
 * including across the server's own heartbeats (named heartbeat events, comments, protocol pings).
 */
import { expect } from 'vitest'
import { items, optionsFor, pause, until, withRecording, type Case } from './support'

export const receive: Case = {
  id: 'receive',
  applies: (server) => server.stream,
  checks: [
    {
      name: 'events arrive in order, once, with no error',
      async run(server) {
        await withRecording(server.url, optionsFor(server), async (recording) => {
          await until(async () => (await server.streams()).length === 1)
          const first = items('a', 5)
          await server.publish(first)
          await until(() => recording.events.length >= first.length)
          // Let the server's own heartbeat go by (if it sends one within a test) before the second burst.
          if (server.heartbeatMs !== undefined) await pause(server.heartbeatMs * 2)
          const second = items('b', 3)
          await server.publish(second)
          await until(() => recording.events.length >= first.length + second.length)
          expect(recording.data()).toEqual([...first, ...second])
          expect(recording.errors).toEqual([])
          expect(recording.reconnects()).toBe(0)
          expect((await server.streams()).length).toBe(1)
        })
      },
    },
  ],
}
