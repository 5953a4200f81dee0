/**
 * Transports are pluggable in `createClient`: the SSE-only form (`@switchline/client/channels` with
 * `sseTransport`) bundles no WebSocket code. Built with esbuild exactly as `pnpm size` builds it; the default
 * `createClient` is the control that shows the check sees WebSocket modules when they are there.
 */
import { describe, expect, it } from 'vitest'
import { measureEntry, SWITCHLINE_ENTRIES, type SizeResult } from './size'

/** The client's WebSocket modules: the socket, the multiplexed WebSocket session and its connection. */
const WEBSOCKET_MODULES = /src\/(ws\/|channels\/ws-)/

const inputs = (result: SizeResult): string[] => Object.keys(result.byPackage ?? {})
const entry = (id: string) => SWITCHLINE_ENTRIES.find((e) => e.id === id) as (typeof SWITCHLINE_ENTRIES)[number]

describe('createClient over SSE only', () => {
  it('has no WebSocket module in its bundle (esbuild metafile), but has the SSE session', async () => {
    const result = await measureEntry(entry('switchline-createClient-sse'))
    expect(result.ok, result.error).toBe(true)
    expect(inputs(result).filter((input) => WEBSOCKET_MODULES.test(input))).toEqual([])
    expect(inputs(result)).toEqual(
      expect.arrayContaining([
        '@switchline/client: src/channels/sse-session.ts',
        '@switchline/client: src/channels/multiplexed-client.ts',
      ]),
    )
  })

  it('control: the default createClient (both transports) bundles the WebSocket modules, and is larger', async () => {
    const [sseOnly, both] = await Promise.all([
      measureEntry(entry('switchline-createClient-sse')),
      measureEntry(entry('switchline-createClient')),
    ])
    expect(both.ok, both.error).toBe(true)
    expect(inputs(both)).toEqual(
      expect.arrayContaining([
        '@switchline/client: src/ws/ws.ts',
        '@switchline/client: src/channels/ws-session.ts',
        '@switchline/client: src/channels/ws-connection.ts',
      ]),
    )
    expect(both.gzipBytes as number).toBeGreaterThan(sseOnly.gzipBytes as number)
  })
})
