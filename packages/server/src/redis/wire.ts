/** The payload of a stored or published event: the JSON `[data]` or `[data, event]`. */
import type { Json } from '@switchline/client/protocol'

/** Encodes an event's data and name. */
export function encodePayload(data: Json, event: string | undefined): string {
  return JSON.stringify(event === undefined ? [data] : [data, event])
}

/** Decodes a payload, or `undefined` when it is not one (a foreign writer on our keys). */
export function decodePayload(text: string): { data: Json; event: string | undefined } | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 2) return undefined
  const event: unknown = parsed[1]
  if (event !== undefined && typeof event !== 'string') return undefined
  return { data: parsed[0] as Json, event }
}
