/**
 * Which HTTP client carries an SSE stream, and where its resume cursor travels (ADR 0008). Pure: the platform's
 * lookups (`fetch`, `EventSource`, `location.origin`) arrive as arguments, resolved at connect time.
 */
import type { SseClientPreference } from '../types'

/**
 * Whether the stream rides `EventSource`: when asked for (`sse: 'eventsource'`), or under `'auto'` for a plain GET
 * (see `isPlainSseRequest`) on a platform that has an `EventSource` and no `fetch`. Everywhere else fetch + the
 * SDK's parser carries it (or `node:http` in Node): in browsers about 3× the events/s of the native `EventSource`.
 * Positional booleans keep the browser bundle small; name them at the call site.
 * @param plain - A GET without headers, token or body (what `EventSource` can send).
 * @param fetch - Whether the platform has a callable `fetch` (`hasFetch`).
 * @param eventSource - Whether the platform has an `EventSource`.
 * @example
 * usesEventSource('auto', true, true, true) // false: fetch
 */
export function usesEventSource(
  preference: SseClientPreference,
  plain: boolean,
  fetch: boolean,
  eventSource: boolean,
): boolean {
  return preference === 'eventsource' || (preference === 'auto' && plain && eventSource && !fetch)
}

/**
 * Whether the cursor travels as the `lastEventId` query parameter instead of the `Last-Event-ID` header:
 * - over `EventSource`, always (it cannot set headers);
 * - over fetch, when the URL is cross-origin to the page and the request sets no header of its own: `Last-Event-ID`
 *   is not CORS-safelisted, so the header alone would turn a "simple" request into a preflighted one;
 * - otherwise (same origin, no page origin as in Node, or headers that bring a preflight anyway) the header.
 * @param url - Absolute (both callers have validated it).
 * @param pageOrigin - The page's `location.origin`; `undefined` where there is no CORS.
 * @param eventSource - Whether the stream rides `EventSource`.
 * @param ownHeaders - Whether the request carries any header besides `accept` and the cursor.
 * @example
 * cursorInQuery('https://api.example.com/sse', 'https://app.example.com', false, false) // true
 */
export function cursorInQuery(
  url: string,
  pageOrigin: string | undefined,
  eventSource: boolean,
  ownHeaders: boolean,
): boolean {
  return eventSource || (!ownHeaders && pageOrigin !== undefined && new URL(url).origin !== pageOrigin)
}

/**
 * Appends `lastEventId=<cursor>` to a URL (before any `#fragment`).
 * @example
 * withQueryCursor('https://x/sse?room=a', 'k-1') // 'https://x/sse?room=a&lastEventId=k-1'
 */
export function withQueryCursor(url: string, cursor: string | undefined): string {
  if (cursor === undefined) return url
  const hash = `${url}#`.indexOf('#')
  const base = url.slice(0, hash)
  return `${base}${base.includes('?') ? '&' : '?'}lastEventId=${encodeURIComponent(cursor)}${url.slice(hash)}`
}
