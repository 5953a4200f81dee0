/**
 * Validation and encoding of a published event, before it gets an id (docs/protocol.md R22): what cannot be sent
 * is refused with an {@link InvalidEventError} and never stored, so no replay can meet it later. Pure.
 */
import { InvalidEventError } from './errors'

/**
 * Bytes of a wire text beyond its JSON data, channel and event name: `id: <epoch>-<seq>` (at most 16 + 1 + 16
 * digits), the SSE framing, the `{"type":"event",…}` envelope and its keys. Generous: it only has to be an upper bound.
 */
const ENVELOPE_BYTES = 128

/** What {@link encodePublish} checks. */
export interface PublishInput {
  channel: string
  data: unknown
  event: unknown
  mid: unknown
}

/**
 * Encodes `data` as JSON once, at publish time, and checks the rest of the event:
 * - `data` must be something `JSON.stringify` turns into text: `undefined`, a function or a symbol (which encode to
 *   nothing), a `BigInt` or a cycle (which throw) are refused with `bad_request`;
 * - `event` and `mid`, when given, must be strings (`bad_request`);
 * - the event's wire text must fit a connection's outgoing buffer (`maxBytes`, the server's `maxBufferedBytes`):
 *   a larger one could never be delivered, every subscriber would be closed as a slow consumer on it and meet it
 *   again on resume (`payload_too_large`).
 *
 * @returns the JSON text of `data`, which the wire texts embed as is.
 * @throws {@link InvalidEventError}
 */
export function encodePublish(input: PublishInput, maxBytes: number): string {
  const { channel, data, event, mid } = input
  if (event !== undefined && typeof event !== 'string') {
    throw new InvalidEventError('bad_request', `event must be a string, got ${typeof event}`, channel)
  }
  if (mid !== undefined && typeof mid !== 'string') {
    throw new InvalidEventError('bad_request', `mid must be a string, got ${typeof mid}`, channel)
  }
  let json: string | undefined
  try {
    json = JSON.stringify(data)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new InvalidEventError('bad_request', `data cannot be encoded as JSON: ${reason}`, channel, { cause })
  }
  if (typeof json !== 'string') {
    throw new InvalidEventError('bad_request', `data cannot be encoded as JSON (${typeof data})`, channel)
  }
  const bytes =
    Buffer.byteLength(json) +
    Buffer.byteLength(channel) +
    (event === undefined ? 0 : Buffer.byteLength(JSON.stringify(event))) +
    ENVELOPE_BYTES
  if (bytes > maxBytes) {
    throw new InvalidEventError(
      'payload_too_large',
      `event of about ${bytes} bytes is over maxBufferedBytes (${maxBytes})`,
      channel,
    )
  }
  return json
}
