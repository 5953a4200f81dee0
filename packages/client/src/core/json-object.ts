/** Lenient reading of a JSON object from untrusted text (an HTTP body): anything else is `undefined`. */

/**
 * Parses `text` as JSON and returns it when it is a plain object (not an array, not `null`).
 * @example
 * parseJsonObject('{"code":"forbidden"}') // { code: 'forbidden' }
 * parseJsonObject('[1]') // undefined
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
