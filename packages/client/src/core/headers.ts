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

/**
 * The UTF-8 bytes of `value` as a byte string (one char per byte, each ≤ 0xFF) — how a header value that is not
 * ASCII travels: `fetch` and `node:http` write such a string as those bytes. A browser's `EventSource` sends the
 * `Last-Event-ID` header this way (HTML spec: the last event ID, "encoded as UTF-8"), so the SDK's cursor does too.
 * Lone surrogates become U+FFFD, as in a browser.
 * @example
 * utf8ByteString('a…') // 'a\u00e2\u0080\u00a6' (the bytes 61 e2 80 a6)
 */
export function utf8ByteString(value: string): string {
  let out = ''
  for (const byte of new TextEncoder().encode(value)) out += String.fromCharCode(byte)
  return out
}

/** An HTTP field name (RFC 9110 §5.1: a token). */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** What no header value may hold: NUL, CR, LF, or a char above 0xFF (not a byte). */
const BAD_VALUE = /[\0\r\n\u0100-\uffff]/

/**
 * Why `headers` cannot be sent (`fetch` would reject, `http.request` throw, on every attempt alike), or `undefined`
 * when they can. The message names the header, never its value (it may be a credential).
 * @example
 * headerProblem({ authorization: 'Bearer ключ' }) // 'header "authorization" has NUL, CR, LF or a char above U+00FF'
 */
export function headerProblem(headers: Record<string, string>): string | undefined {
  for (const name in headers) {
    const badName = !FIELD_NAME.test(name)
    if (badName || BAD_VALUE.test(headers[name] as string)) {
      return `header ${JSON.stringify(name)} ${badName ? 'is not a valid field name' : 'has NUL, CR, LF or a char above U+00FF'}`
    }
  }
  return undefined
}
