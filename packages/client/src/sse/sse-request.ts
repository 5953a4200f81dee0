/**
 * The request of the client's SSE stream (docs/protocol.md §5): `B/sse?channels=…&since.<ch>=…`, the stream-wide
 * cursor, and the choice between fetch and a native `EventSource` (ADR 0008). Pure: no I/O.
 */
import { PATHS, SSE_EVENTS } from '../protocol/constants'
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/defaults'
import type { Platform } from '../core/platform-types'
import { cursorInQuery, usesEventSource, withQueryCursor } from './sse-client'
import type { SseRequest } from '../core/transport-types'

const EVENT_NAMES = [SSE_EVENTS.ready, SSE_EVENTS.heartbeat, SSE_EVENTS.gap, SSE_EVENTS.error, 'message']

/**
 * Builds the stream URL: `B/sse?channels=a,b&since.a=<cursor>`.
 * @example
 * sseUrl('https://x/rt', [['a', 'k-1'], ['b', undefined]]) // 'https://x/rt/sse?channels=a%2Cb&since.a=k-1'
 */
export function sseUrl(baseUrl: string, channels: ReadonlyArray<readonly [string, string | undefined]>): string {
  const query = new URLSearchParams({ channels: channels.map(([channel]) => channel).join(',') })
  for (const [channel, cursor] of channels) if (cursor !== undefined) query.set(`since.${channel}`, cursor)
  return `${baseUrl}${PATHS.sse}?${query.toString()}`
}

/** The inputs of {@link buildSseRequest}. */
export interface SseRequestInput {
  baseUrl: string
  /** Each channel with the cursor it resumes from (`undefined`: none, live only). */
  channels: ReadonlyArray<readonly [string, string | undefined]>
  /** The stream-wide cursor (the tracker's latest id), sent only when every channel has a cursor. */
  latest: string | undefined
  /** Resolved headers, `authorization` included; sent only over fetch. */
  headers: Record<string, string>
  withCredentials: boolean
  platform: Platform
  /** Whether `platform.fetch` can be called (`hasFetch`); without it a native `EventSource` carries the stream. */
  hasFetch: boolean
}

/**
 * Builds the stream request. fetch carries it wherever the platform has fetch (or with headers); a native
 * `EventSource` only without fetch. The stream-wide cursor travels as `Last-Event-ID`, or as `lastEventId=` over
 * `EventSource` and over a header-less cross-origin fetch, which stays a CORS "simple" request ({@link cursorInQuery}).
 *
 * Every channel that has been on a stream has a cursor (its own, or the head cursor of its first `sl-ready`, R9),
 * and each travels as `since.<ch>`, which wins over `Last-Event-ID`. So `Last-Event-ID` changes nothing for those;
 * it is the stream-wide cursor of §3 for servers and proxies that only know the standard header. It is left out
 * while a channel is new (no cursor yet): the server would resume that channel from it instead of starting live,
 * replaying history the app did not ask for.
 * @example
 * const { request, useFetch } = buildSseRequest({ baseUrl, channels: [['a', 'k-1']], latest: 'k-1', headers: {}, withCredentials: false, platform, hasFetch: true })
 */
export function buildSseRequest(input: SseRequestInput): { request: SseRequest; useFetch: boolean } {
  const { channels, platform } = input
  const headers = { ...input.headers }
  const latest = channels.every(([, cursor]) => cursor !== undefined) ? input.latest : undefined
  const ownHeaders = Object.keys(headers).length > 0
  const useFetch = !usesEventSource('auto', !ownHeaders, input.hasFetch, platform.EventSource !== undefined)
  const url = sseUrl(input.baseUrl, channels)
  const inQuery = cursorInQuery(url, platform.pageOrigin, !useFetch, ownHeaders)
  if (latest !== undefined && !inQuery) headers['last-event-id'] = latest
  const request: SseRequest = {
    url: inQuery ? withQueryCursor(url, latest) : url,
    method: 'GET',
    headers,
    body: undefined,
    withCredentials: input.withCredentials,
    eventNames: EVENT_NAMES,
    maxEventSize: 4 * DEFAULT_MAX_FRAME_BYTES,
  }
  return { request, useFetch }
}
