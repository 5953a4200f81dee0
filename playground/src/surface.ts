/**
 * The page's test surface, `window.__switchline` — documented in playground/README.md. Everything here is also
 * shown on the page; the surface keeps the full history (the page shows the latest only).
 */
import type { TransportChange } from '@switchline/client'
import type { PlaygroundConfig } from './config'
import type { ReconnectEntry } from './timeline'

export interface ChannelRecord {
  state: string
  transport: string | undefined
  transportReason: string | undefined
  lastEventId: string | undefined
  /** Every event id delivered, in delivery order. */
  ids: string[]
  /**
   * Every state change `{ from, to, reason, attempt, delayMs }`, in order (`delayMs` only on a `reconnecting`
   * that waits for a backoff timer; one waiting for the platform, e.g. offline, has none).
   */
  states: {
    from: string
    to: string
    reason: string | undefined
    attempt: number | undefined
    delayMs: number | undefined
    at: number
  }[]
  /** Every transport change (`onTransport`) with when it came (`performance.now()`), the first choice included. */
  transports: Array<TransportChange & { at: number }>
  /** Every `to: 'reconnecting'` change with its attempt and delay. */
  reconnects: ReconnectEntry[]
  gaps: number
  errors: string[]
}

export interface ConnectionRecord {
  state: string
  reason: string | undefined
  changes: number
}

export interface TestSurface {
  config: PlaygroundConfig
  channels: Record<string, ChannelRecord>
  /** Shared connections by transport, from the client's `onConnectionState`. */
  connections: Record<string, ConnectionRecord>
  /** The client's next WebSocket re-probe (`client.reprobeAt`, ms since epoch), polled every 100 ms. */
  reprobeAt: number | undefined
  /** Calls of the token provider (with `?token=1`). */
  tokenCalls: number
  /** Whether the page's online source says online, and since when it says offline (`performance.now()`). */
  online: boolean
  offlineSince: number | undefined
  /** How long the page has been offline, in ms (0 when online). */
  offlineForMs(): number
}

declare global {
  interface Window {
    __switchline: TestSurface
  }
}

export function createSurface(config: PlaygroundConfig): TestSurface {
  const surface: TestSurface = {
    config,
    channels: {},
    connections: {},
    reprobeAt: undefined,
    tokenCalls: 0,
    online: true,
    offlineSince: undefined,
    offlineForMs: () => (surface.offlineSince === undefined ? 0 : performance.now() - surface.offlineSince),
  }
  for (const id of config.channels) {
    surface.channels[id] = {
      state: 'connecting',
      transport: undefined,
      transportReason: undefined,
      lastEventId: undefined,
      ids: [],
      states: [],
      transports: [],
      reconnects: [],
      gaps: 0,
      errors: [],
    }
  }
  window.__switchline = surface
  return surface
}
