/** `-H 'Name: value'` lines, as curl takes them. Pure. */

/** An HTTP header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/**
 * What an HTTP header value may not hold (RFC 9110 field-value, as Node checks it): control characters other than
 * tab, DEL, and anything past U+00FF (a header is bytes, not UTF-16).
 */
const NOT_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/u

/**
 * Parses one `Name: value` line. The name is lower-cased (headers are case-insensitive); the value is trimmed and
 * may be empty. Returns what is wrong instead when the line is not a header.
 * @example
 * parseHeader('Authorization: Bearer abc') // { name: 'authorization', value: 'Bearer abc' }
 * parseHeader('nonsense') // "expected 'Name: value'"
 */
export function parseHeader(line: string): { name: string; value: string } | string {
  const colon = line.indexOf(':')
  if (colon === -1) return "expected 'Name: value'"
  const name = line.slice(0, colon).trim()
  const value = line.slice(colon + 1).trim()
  if (!TOKEN.test(name)) return `'${name}' is not a header name`
  const bad = NOT_FIELD_VALUE.exec(value)?.[0]
  if (bad !== undefined) {
    const code = `U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
    return bad <= '\x7f'
      ? `the value has a control character (${code})`
      : `the value has a character past U+00FF (${code})`
  }
  return { name: name.toLowerCase(), value }
}

/** The token of an `Authorization: Bearer <token>` header, if that is what `headers` carry. */
export function bearerToken(headers: Record<string, string>): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(headers.authorization ?? '')
  return match?.[1]
}
