/**
 * The app's `headers` and `token` options, resolved when a request is made (every SSE attempt, WebSocket attempt
 * and publish). Shared by raw `subscribe()` and the multiplexed client.
 */
import type { HeadersProvider, TokenProvider } from '../types'
import { normalizeHeaders } from './headers'

/** Resolves the `headers` option (object or function), with lower-case names (see headers.ts). */
export async function resolveHeaders(headers: HeadersProvider | undefined): Promise<Record<string, string>> {
  if (headers === undefined) return {}
  return normalizeHeaders(typeof headers === 'function' ? await headers() : headers)
}

/** Asks the token provider; `undefined` when there is none or it gave nothing. */
export async function resolveToken(token: TokenProvider | undefined): Promise<string | undefined> {
  if (token === undefined) return undefined
  const value = await token()
  return value === null || value === undefined || value === '' ? undefined : value
}
