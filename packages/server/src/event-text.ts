/**
 * The wire text of a channel event, encoded once per transport and shared: every subscriber of a publish, and every
 * replay of a retained event, writes the same string instead of encoding its own copy. A publish primes both texts
 * from the JSON of its data encoded before the event got an id (event-data.ts); an event that reaches a transport
 * without them is encoded on first use, and one that cannot be is skipped and reported, never the stream's end.
 */
import type { LoggedEvent, StoredEvent } from './channel-log'
import { errorBody } from './http-util'
import type { ServerLogger } from './types'

/** Events from the log carry the cache slots; any other event gets them on first use. */
const slots = (event: LoggedEvent): Partial<StoredEvent> => event as Partial<StoredEvent>

/** The SSE text of a channel event (§5): `id:` and the `{"channel","data","event"?}` envelope. */
export function sseEventText(event: LoggedEvent): string {
  const cached = slots(event)
  if (cached.sseText === undefined) primeEventTexts(event, encodeData(event))
  return cached.sseText as string
}

/** The WebSocket `event` frame of a channel event (§6). */
export function wsEventText(event: LoggedEvent): string {
  const cached = slots(event)
  if (cached.wsText === undefined) primeEventTexts(event, encodeData(event))
  return cached.wsText as string
}

/** The JSON of an event's data; throws when there is none (`undefined`, a function) or it cannot be encoded. */
function encodeData(event: LoggedEvent): string {
  const json: string | undefined = JSON.stringify(event.data)
  if (typeof json !== 'string') throw new TypeError(`data of event ${event.id} encodes to nothing`)
  return json
}

/**
 * Fills both wire texts of a just-appended event from `dataJson`, the JSON of its data encoded at publish time,
 * by concatenation (the same text `sseEventText` / `wsEventText` would build, without encoding `data` again).
 * From here on the event is sent as it was when published, whatever happens to the publisher's object.
 */
export function primeEventTexts(event: LoggedEvent, dataJson: string): void {
  const cached = slots(event)
  const channel = JSON.stringify(event.channel)
  const name = event.event === undefined ? '' : `,"event":${JSON.stringify(event.event)}`
  cached.sseText = `id: ${event.id}\ndata: {"channel":${channel},"data":${dataJson}${name}}\n\n`
  cached.wsText = `{"type":"event","channel":${channel},"id":${JSON.stringify(event.id)},"data":${dataJson}${name}}`
}

/** Events already reported as impossible to encode: each is logged once, however many streams meet it. */
const reported = new WeakSet<LoggedEvent>()

/**
 * The wire text of `event` for delivery, or `undefined` when it cannot be encoded (an event that was never checked
 * at publish time, e.g. from a log fed directly). That event is logged once through `logger.error` and the caller
 * skips it and tells the client with {@link skippedEventNotice}: the stream goes on.
 */
export function deliverableText(
  encode: (event: LoggedEvent) => string,
  event: LoggedEvent,
  logger: ServerLogger,
): string | undefined {
  try {
    return encode(event)
  } catch (error) {
    if (!reported.has(event)) {
      reported.add(event)
      logger.error(`switchline: event ${event.id} on ${event.channel} cannot be encoded; skipped on delivery`, { channel: event.channel, eventId: event.id, error })
    }
    return undefined
  }
}

/** The non-fatal `internal` error a client is sent for an event it skipped (the stream goes on). */
export function skippedEventNotice(event: LoggedEvent): ReturnType<typeof errorBody> {
  return errorBody('internal', `event ${event.id} could not be encoded and was skipped`, event.channel)
}
