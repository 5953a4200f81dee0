/** `-H 'Name: value'` lines, as curl takes them. Pure. */

/** An HTTP header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

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
  if (/[\0\r\n]/.test(value)) return 'the value has a control character'
  return { name: name.toLowerCase(), value }
}

/** The token of an `Authorization: Bearer <token>` header, if that is what `headers` carry. */
export function bearerToken(headers: Record<string, string>): string | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(headers.authorization ?? '')
  return match?.[1]
}
