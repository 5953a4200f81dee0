/**
 * Quiet but healthy: the server accepts the stream and then says nothing for over three times the client's
 * connect timeout (its heartbeat is longer than that, or it has none). The stream must stay up — one request, no
 * reconnect, no error — and deliver the next event. WebSocket: the same while the server pings at the
 * application level (`{"type":"ping"}`, closing a socket that misses a `{"type":"pong"}`), answered with the
 * declarative `pong` option.
 */
import { expect } from 'vitest'
import type { ServerHandle } from '../harness/types'
import { APP_PING, APP_PONG } from '../servers/ws-messages'
import { items, optionsFor, pause, QUIET_MS, until, withRecording, type Case, type LooseOptions } from './support'

async function staysUp(server: ServerHandle, extra: LooseOptions = {}): Promise<void> {
  await withRecording(server.url, optionsFor(server, extra), async (recording) => {
    await until(async () => (await server.streams()).length === 1)
    await pause(QUIET_MS)
    const next = items('q', 1)
    await server.publish(next)
    await until(() => recording.events.length >= 1)
    expect(recording.data()).toEqual(next)
    expect(recording.reconnects()).toBe(0)
    expect(recording.errors).toEqual([])
    expect((await server.streams()).length).toBe(1)
  })
}

export const quiet: Case = {
  id: 'quiet',
  applies: (server) => server.stream,
  checks: [
    {
      name: 'a quiet stream is not reconnected',
      run: (server) => staysUp(server),
    },
    {
      name: "the server's application-level ping is answered",
      applies: (server) => server.kind === 'websocket',
      async run(server) {
        await server.appPings(800)
        await staysUp(server, { pong: { isPing: (text: string) => text === APP_PING, reply: APP_PONG } })
      },
    },
  ],
}
