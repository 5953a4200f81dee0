/**
 * Header names are case-insensitive (RFC 9110 §5.1), but a plain object is not: `{ Authorization }` from the app
 * and `{ authorization }` from the SDK would both be sent. Every header object the SDK builds is normalised to
 * lower-case names first; the SDK then adds its own only where the rules below say so. Pure: no I/O.
 *
 * - `content-type`, `accept`: the app's wins (the SDK's is a default);
 * - `authorization`: the app's wins; the token provider's `Bearer <token>` is used only when the app gave none;
 * - `last-event-id`: the SDK's wins (it is the resume cursor the SDK keeps).
 */

/**
 * Returns a copy with lower-case names. A name given twice in different cases keeps the last value.
 * @example
 * normalizeHeaders({ Authorization: 'Bearer a', 'X-App': '1' }) // { authorization: 'Bearer a', 'x-app': '1' }
 */
export function normalizeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

/**
 * Sets `name` (lower case) to `value` unless `headers` (already normalised) has it.
 * @example
 * const headers = normalizeHeaders({ 'Content-Type': 'application/json; charset=utf-8' })
 * setDefaultHeader(headers, 'content-type', 'application/json') // kept: 'application/json; charset=utf-8'
 */
export function setDefaultHeader(headers: Record<string, string>, name: string, value: string): void {
  if (!Object.hasOwn(headers, name)) headers[name] = value
}
