/**
 * Dead stream: the connection goes silent without closing (a half-open TCP path: a dead NAT entry, a proxy that
 * buffers). The client must notice within its stall timeout (SSE) or ping timeout (WebSocket, with an
 * application-level ping the server answers), report a `timeout`, reconnect and — where the server replays —
 * resume from the last id it saw: every event exactly once, in order.
 */
import { expect } from 'vitest'
import { CLIENT_PING, CLIENT_PONG } from '../servers/ws-messages'
import { items, optionsFor, sawTimeout, until, withRecording, type Case, type LooseOptions } from './support'

/** The stall timeout of the SSE checks (the servers' own heartbeats are longer, or absent). */
export const STALL_TIMEOUT_MS = 1_500

const livenessOptions = (kind: 'sse' | 'websocket'): LooseOptions =>
  kind === 'sse'
    ? { stallTimeoutMs: STALL_TIMEOUT_MS }
    : {
        ping: {
          message: CLIENT_PING,
          isPong: (text: string) => text === CLIENT_PONG,
          intervalMs: 300,
          timeoutMs: 1_000,
        },
      }

export const deadStream: Case = {
  id: 'dead-stream',
  applies: (server) => server.stream,
  checks: [
    {
      name: 'a silent, half-open stream is detected and resumed',
      async run(server) {
        await withRecording(server.url, optionsFor(server, livenessOptions(server.kind)), async (recording) => {
          await until(async () => (await server.streams()).length === 1)
          const before = items('a', 3)
          await server.publish(before)
          await until(() => recording.events.length >= before.length)
          const cursor = recording.subscription.lastEventId
          await server.freeze()
          // Written into the dead connection: only a replay after the reconnect can deliver these.
          const lost = server.resumes ? items('b', 2) : []
          if (lost.length > 0) await server.publish(lost)
          await until(async () => (await server.streams()).length === 2)
          const after = items('c', 2)
          await server.publish(after)
          const expected = [...before, ...lost, ...after]
          await until(() => JSON.stringify(recording.data().at(-1)) === JSON.stringify(expected.at(-1)))
          expect(recording.data()).toEqual(expected)
          expect(sawTimeout(recording)).toBe(true)
          expect(recording.closed()).toBeUndefined()
          if (server.kind === 'sse') expect((await server.streams())[1]?.lastEventId).toBe(cursor ?? null)
        })
      },
    },
  ],
}
