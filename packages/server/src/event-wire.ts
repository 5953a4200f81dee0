/**
 * The wire bytes of a channel event, built once per event and shared: every subscriber of a publish, on every
 * connection, and every replay of a retained event writes the same `Buffer` instead of encoding its own copy.
 * - SSE: one HTTP/1.1 chunk, `<size in hex>\r\n<event text>\r\n`, written as is to an HTTP/1.1 socket that sends
 *   chunked bodies; the event text alone ({@link sseBytes}, a view of the same memory) everywhere else (HTTP/2).
 * - WebSocket: one complete unmasked text frame (RFC 6455 §5.2: FIN, opcode 1, the length, the payload), written as
 *   is to the socket; the payload alone ({@link wsPayload}) where `ws.send` has to frame it (ws-frame-writer.ts).
 *
 * A publish primes both from the JSON of its data encoded before the event got an id (event-data.ts); an event that
 * reaches a transport without them is encoded on first use, and one that cannot be is skipped and reported, never
 * the stream's end.
 */
import type { LoggedEvent, StoredEvent } from './channel-log'
import { errorBody } from './http-util'
import type { ServerLogger } from './types'

/** Events from the log carry the cache slots; any other event gets them on first use. */
const slots = (event: LoggedEvent): Partial<StoredEvent> => event as Partial<StoredEvent>

/** The SSE bytes of a channel event (§5: `id:` and the `{"channel","data","event"?}` envelope) as one HTTP chunk. */
export function sseWire(event: LoggedEvent): Buffer {
  const cached = slots(event)
  if (cached.sseWire === undefined) primeEventWire(event, encodeData(event))
  return cached.sseWire as Buffer
}

/** The WebSocket `event` frame of a channel event (§6), header included. */
export function wsWire(event: LoggedEvent): Buffer {
  const cached = slots(event)
  if (cached.wsWire === undefined) primeEventWire(event, encodeData(event))
  return cached.wsWire as Buffer
}

/** The SSE event text inside an {@link sseWire} chunk (a view, no copy). */
export function sseBytes(wire: Buffer): Buffer {
  return wire.subarray(wire.indexOf(10) + 1, wire.length - 2)
}

/** The payload of a frame built by {@link textFrame} (a view, no copy). */
export function wsPayload(frame: Buffer): Buffer {
  const length = (frame[1] as number) & 0x7f
  return frame.subarray(length < 126 ? 2 : length === 126 ? 4 : 10)
}

/** The JSON of an event's data; throws when there is none (`undefined`, a function) or it cannot be encoded. */
function encodeData(event: LoggedEvent): string {
  const json: string | undefined = JSON.stringify(event.data)
  if (typeof json !== 'string') throw new TypeError(`data of event ${event.id} encodes to nothing`)
  return json
}

/** `<hex size>\r\n<text>\r\n`: the chunk node:http writes for `res.write(text)` on a chunked response. */
function httpChunk(text: string): Buffer {
  const size = Buffer.byteLength(text)
  const head = `${size.toString(16)}\r\n`
  const chunk = Buffer.allocUnsafe(head.length + size + 2)
  chunk.write(head, 0, 'latin1')
  chunk.write(text, head.length, 'utf8')
  chunk[chunk.length - 2] = 13
  chunk[chunk.length - 1] = 10
  return chunk
}

/** An unmasked, final text frame carrying `text` (RFC 6455 §5.2), as `ws` frames a server's `send(text)`. */
export function textFrame(text: string): Buffer {
  const size = Buffer.byteLength(text)
  const head = size < 126 ? 2 : size < 65536 ? 4 : 10
  const frame = Buffer.allocUnsafe(head + size)
  frame[0] = 0x81 // FIN, opcode 1 (text)
  if (head === 2) frame[1] = size
  else if (head === 4) {
    frame[1] = 126
    frame.writeUInt16BE(size, 2)
  } else {
    frame[1] = 127
    frame.writeUInt16BE(0, 2)
    frame.writeUIntBE(size, 4, 6)
  }
  frame.write(text, head, 'utf8')
  return frame
}

/**
 * Fills both wire forms of a just-appended event from `dataJson`, the JSON of its data encoded at publish time, by
 * concatenation (the same text the envelope's `JSON.stringify` would give, without encoding `data` again). From here
 * on the event is sent as it was when published, whatever happens to the publisher's object.
 */
export function primeEventWire(event: LoggedEvent, dataJson: string): void {
  const cached = slots(event)
  const channel = JSON.stringify(event.channel)
  const name = event.event === undefined ? '' : `,"event":${JSON.stringify(event.event)}`
  cached.sseWire = httpChunk(`id: ${event.id}\ndata: {"channel":${channel},"data":${dataJson}${name}}\n\n`)
  cached.wsWire = textFrame(
    `{"type":"event","channel":${channel},"id":${JSON.stringify(event.id)},"data":${dataJson}${name}}`,
  )
}

/** Events already reported as impossible to encode: each is logged once, however many streams meet it. */
const reported = new WeakSet<LoggedEvent>()

/**
 * The wire bytes of `event` for delivery, or `undefined` when it cannot be encoded (an event that was never checked
 * at publish time, e.g. from a log fed directly). That event is logged once through `logger.error` and the caller
 * skips it and tells the client with {@link skippedEventNotice}: the stream goes on.
 */
export function deliverableWire(
  encode: (event: LoggedEvent) => Buffer,
  event: LoggedEvent,
  logger: ServerLogger,
): Buffer | undefined {
  try {
    return encode(event)
  } catch (error) {
    if (!reported.has(event)) {
      reported.add(event)
      logger.error(`switchline: event ${event.id} on ${event.channel} cannot be encoded; skipped on delivery`, {
        channel: event.channel,
        eventId: event.id,
        error,
      })
    }
    return undefined
  }
}

/** The non-fatal `internal` error a client is sent for an event it skipped (the stream goes on). */
export function skippedEventNotice(event: LoggedEvent): ReturnType<typeof errorBody> {
  return errorBody('internal', `event ${event.id} could not be encoded and was skipped`, event.channel)
}
