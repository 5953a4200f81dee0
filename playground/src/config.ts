/**
 * The page's configuration, read from the URL query so tests (and curious people) can shorten every timer:
 *
 * | query | meaning | default |
 * |---|---|---|
 * | `channels` | comma-separated channel ids (`name` or `name:key`) | `ticker,clock,chat` |
 * | `transport` | `auto`, `sse` or `websocket` for every channel | `auto` |
 * | `pingIntervalMs`, `pongTimeoutMs` | WebSocket ping | SDK defaults (15000, 10000) |
 * | `stallTimeoutMs` | SSE stall timeout | SDK default (2 × heartbeat + 5 s) |
 * | `initialDelayMs`, `maxDelayMs` | backoff ceiling of the first retry, and the cap | 500, 5000 |
 * | `resetAfterMs` | a connection up this long resets the attempt counter | SDK default (5000) |
 * | `reprobeWebSocketMs` | re-try a blocked WebSocket after | SDK default (60000) |
 * | `token` | `1`: use a token provider (counted in `window.__switchline.tokenCalls`) | off |
 * | `logSize` | events kept in each card's log | 50 |
 * | `seed` | seeds the SDK's random source (jitter, message ids): the same seed replays the same delays | `Math.random` |
 */
import type { TransportPreference } from '@switchline/client'

export interface PlaygroundConfig {
  channels: string[]
  transport: TransportPreference
  pingIntervalMs: number | undefined
  pongTimeoutMs: number | undefined
  stallTimeoutMs: number | undefined
  initialDelayMs: number
  maxDelayMs: number
  resetAfterMs: number | undefined
  reprobeWebSocketMs: number | undefined
  token: boolean
  logSize: number
  seed: number | undefined
}

/** Channel names whose demo definition allows sending (they get a send box and prefer WebSocket). */
export const SEND_CHANNELS: ReadonlySet<string> = new Set(['chat'])

const TRANSPORTS: readonly TransportPreference[] = ['auto', 'sse', 'websocket']

function num(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name)
  if (raw === null || raw.trim() === '') return undefined
  const value = Number(raw)
  return Number.isFinite(value) && value >= 0 ? value : undefined
}

/** Reads the configuration from a query string (`location.search`). */
export function readConfig(search: string): PlaygroundConfig {
  const query = new URLSearchParams(search)
  const channels = (query.get('channels') ?? 'ticker,clock,chat')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '')
  const transport = query.get('transport') as TransportPreference | null
  return {
    channels: [...new Set(channels)],
    transport: transport !== null && TRANSPORTS.includes(transport) ? transport : 'auto',
    pingIntervalMs: num(query, 'pingIntervalMs'),
    pongTimeoutMs: num(query, 'pongTimeoutMs'),
    stallTimeoutMs: num(query, 'stallTimeoutMs'),
    initialDelayMs: num(query, 'initialDelayMs') ?? 500,
    maxDelayMs: num(query, 'maxDelayMs') ?? 5000,
    resetAfterMs: num(query, 'resetAfterMs'),
    reprobeWebSocketMs: num(query, 'reprobeWebSocketMs'),
    token: query.get('token') === '1',
    logSize: num(query, 'logSize') ?? 50,
    seed: num(query, 'seed'),
  }
}

/** `'chat:room-a'` → `{ name: 'chat', key: 'room-a' }`. */
export function splitChannel(id: string): { name: string; key: string | undefined } {
  const at = id.indexOf(':')
  return at < 0 ? { name: id, key: undefined } : { name: id.slice(0, at), key: id.slice(at + 1) }
}
