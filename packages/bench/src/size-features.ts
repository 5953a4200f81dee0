/**
 * What the Switchline browser bundle is made of, by feature: each source file of `@switchline/client` belongs to
 * one area, and an entry's minified bytes (esbuild's metafile `bytesInOutput`) are summed per area. Gzip is not
 * additive per file, so an area's gzip share is estimated pro rata to its minified bytes.
 */
import type { SizeResult } from './size'

/** Areas in the order the report lists them, each with the client source files (under `src/`) it owns. */
export const FEATURE_AREAS: ReadonlyArray<{ area: string; files: readonly string[] }> = [
  {
    area: 'createClient: client, channels, the two multiplexed sessions',
    files: [
      'channels/client.ts',
      'channels/index.ts',
      'channels/multiplexed-client.ts',
      'channels/ws-session.ts',
      'channels/ws-connection.ts',
      'channels/protocol-errors.ts',
      'channels/sse-session.ts',
      'channels/sse-session-events.ts',
      'sse/sse-request.ts',
      'channels/member-registry.ts',
      'channels/session-types.ts',
      'channels/session-skeleton.ts',
      'core/head-cursor.ts',
    ],
  },
  {
    area: 'Raw `subscribe(url)` for any SSE / WebSocket server',
    files: [
      'raw/subscribe.ts',
      'raw/subscribe-sse.ts',
      'raw/subscribe-ws.ts',
      'raw/start-raw.ts',
      'raw/raw-sse.ts',
      'raw/raw-ws.ts',
      'raw/raw-ws-close.ts',
    ],
  },
  {
    area: 'Subscription object (callbacks, state, close, AbortSignal)',
    files: ['raw/subscription-core.ts', 'raw/subscription-handle.ts', 'channels/channel-subscription.ts'],
  },
  {
    area: 'Reconnect: supervisor, backoff, liveness, transport choice and fallback, timers',
    files: [
      'core/supervisor.ts',
      'core/backoff.ts',
      'core/liveness.ts',
      'core/attempt-timers.ts',
      'channels/transport-choice.ts',
      'sse/sse-client.ts',
      'core/timers.ts',
    ],
  },
  {
    area: 'Sends: bounded queue, acks, re-send across switches, HTTP publish',
    files: ['channels/outbox.ts', 'channels/http-publisher.ts', 'core/bounded-queue.ts'],
  },
  {
    area: 'SSE over fetch: stream reader and event-stream parser',
    files: ['core/sse-parser.ts', 'sse/sse-fetch.ts', 'sse/attempt-parser.ts'],
  },
  { area: 'SSE over EventSource', files: ['sse/sse-eventsource.ts'] },
  { area: 'WebSocket transport', files: ['ws/ws.ts'] },
  {
    area: 'Protocol: frame codec, constants, cursors, error and close codes',
    files: [
      'protocol/codec.ts',
      'protocol/constants.ts',
      'protocol/cursor.ts',
      'protocol/codes.ts',
      'protocol/defaults.ts',
      'protocol/frames.ts',
      'protocol/index.ts',
    ],
  },
  { area: 'Resume: per-channel cursors and dedupe', files: ['core/dedupe.ts'] },
  { area: 'Async iterator (`for await`) with overflow policy', files: ['core/async-queue.ts'] },
  {
    area: 'Tabs: one leader tab (Web Locks) shares the client over BroadcastChannel',
    files: [
      'tabs/tabs-client.ts',
      'tabs/tab-subscription.ts',
      'tabs/leader.ts',
      'tabs/messages.ts',
      'tabs/tab-platform.ts',
    ],
  },
  {
    area: 'React hooks: one store per hook (@switchline/react)',
    files: [
      'stream-store.ts',
      'provider.ts',
      'use-store.ts',
      'use-stream.ts',
      'subscription-options.ts',
      'use-channel.ts',
    ].map((f) => `@switchline/react: src/${f}`),
  },
  { area: 'Named events: typed on() / off() over mitt', files: ['raw/named-events.ts', 'mitt'] },
  { area: 'Errors and their retry/stop classification', files: ['core/errors.ts'] },
  {
    area: 'Option checks at call time (every option of the three forms, raw-mode ones included)',
    files: ['core/check-options.ts', 'core/raw-options.ts'],
  },
  {
    area: 'Decoding and Standard Schema validation',
    files: ['core/decode.ts', 'core/standard-schema.ts', 'core/json-object.ts'],
  },
  {
    area: 'Platform: browser globals, online / visibility, headers',
    files: [
      'platform/platform.ts',
      'platform/browser.ts',
      'platform/defaults.ts',
      'core/platform-types.ts',
      'core/headers.ts',
      'core/request-headers.ts',
    ],
  },
]

export interface FeatureShare {
  area: string
  minifiedBytes: number
  /** Estimated: the entry's gzip size × this area's share of its minified bytes. */
  gzipBytesEstimate: number
}

const CLIENT_PREFIX = '@switchline/client: src/'

/**
 * Sums an entry's per-input minified bytes by area (largest first). Inputs outside the client's `src/` (or not
 * listed) land in an "other" row, so the rows always add up to the whole bundle.
 * @example
 * featureShares(await measureEntry(SWITCHLINE_ENTRIES[2]))
 */
export function featureShares(result: SizeResult): FeatureShare[] {
  if (!result.ok || !result.byPackage || !result.gzipBytes) return []
  const totals = new Map<string, number>()
  let all = 0
  for (const [input, bytes] of Object.entries(result.byPackage)) {
    all += bytes
    const file = input.startsWith(CLIENT_PREFIX) ? input.slice(CLIENT_PREFIX.length) : input
    const area = FEATURE_AREAS.find((a) => a.files.includes(file))?.area ?? `other (${file})`
    totals.set(area, (totals.get(area) ?? 0) + bytes)
  }
  const gzip = result.gzipBytes
  return [...totals]
    .filter(([, bytes]) => bytes > 0)
    .map(([area, minifiedBytes]) => ({
      area,
      minifiedBytes,
      gzipBytesEstimate: all === 0 ? 0 : Math.round((gzip * minifiedBytes) / all),
    }))
    .sort((a, b) => b.minifiedBytes - a.minifiedBytes)
}
