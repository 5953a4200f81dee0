/**
 * An incremental, pure parser for `text/event-stream` (WHATWG HTML, "Server-sent events", §9.2.6 "Event stream
 * interpretation"). Fed decoded text in chunks of any size, it calls back per event. No I/O, no timers.
 *
 * It slices whole lines out of each chunk (no per-character concatenation) and only scans an unfinished line
 * again once a chunk brings its end, so feeding a stream char by char stays linear.
 */
import { invalidOptions } from './errors'

/** One dispatched event. */
export interface SseEvent {
  /** `id` field of this event, if it had one (empty string resets) */
  id: string | undefined
  /** The `event` field; defaults to `'message'`. */
  event: string
  /** The `data` lines of the event, joined with `'\n'`. */
  data: string
}

/**
 * A problem the parser recovered from. `too_large`: an event's data went over `maxEventSize`, or a line over
 * `maxEventSize + 64`; `size` is the size seen when the limit was hit (at least the limit, possibly less than
 * the full size, which is never buffered).
 */
export type SseParseError = { type: 'too_large'; size: number }

/** What the parser calls. Callbacks run synchronously inside `feed()`. */
export interface SseParserCallbacks {
  /** An event with data (events without `data` lines are not dispatched, as the spec says). */
  onEvent(event: SseEvent): void
  /**
   * The stream's last event ID changed: called at the end of every event block that had a valid `id` field —
   * before `onEvent`, and also for blocks without data, which set the last event ID but are not dispatched.
   */
  onId?(id: string): void
  /** A `retry:` field made only of ASCII digits (a reconnection delay in ms). */
  onRetry?(ms: number): void
  /** A comment line (`:` …), without the colon and one leading space. */
  onComment?(text: string): void
  /** A recoverable problem, e.g. an event over `maxEventSize` that was discarded. */
  onError?(error: SseParseError): void
}

/** Options of {@link createSseParser}. */
export interface SseParserOptions {
  /**
   * max bytes (UTF-16 length ok) of one event's data; beyond it the event is discarded up to the next blank
   * line and onError is called. Any line longer than this + 64 (room for the field name) also discards its
   * event, and is dropped as it arrives, so a stream without line breaks cannot grow memory without bound.
   * `id` and `retry` fields of a discarded event still count (`onId` / `onRetry`).
   * @defaultValue 1_048_576
   */
  maxEventSize?: number
}

/** An incremental event-stream parser. */
export interface SseParser {
  /** Parses the next chunk of decoded text. */
  feed(chunk: string): void
  /** forget partial state (call on reconnect) */
  reset(): void
}

const LF = 10
const SPACE = 32
const COLON = 58
const BOM = 0xfeff
/** Room for a field name and `: ` on top of `maxEventSize`, for the unterminated-line limit. */
const LINE_SLACK = 64
const DIGITS = /^\d+$/

/**
 * Creates an incremental SSE parser.
 * @throws SwitchlineError `invalid_options` if `maxEventSize` is not a positive number.
 * @example
 * const parser = createSseParser({
 *   onEvent: ({ id, event, data }) => console.log(id, event, data),
 *   onRetry: (ms) => (retryMs = ms),
 * })
 * parser.feed('id: k3f9a-1\ndata: {"channel":"ticker","data":1}\n\n')
 */
export function createSseParser(callbacks: SseParserCallbacks, options: SseParserOptions = {}): SseParser {
  const maxEventSize = options.maxEventSize ?? 1_048_576
  if (typeof maxEventSize !== 'number' || !(maxEventSize > 0)) {
    throw invalidOptions(`maxEventSize must be a positive number, got ${String(maxEventSize)}`)
  }
  const maxLineLength = maxEventSize + LINE_SLACK

  // stream state
  let started = false // the first character (a possible BOM) was seen
  // an unfinished line, as fragments joined only once its end arrives (`join` gives a flat string, which
  // scans faster than a rope of `+=`); never contains CR or LF unless `rescan`
  let pending: string[] = []
  let pendingLength = 0
  let rescan = false // `pending` may hold whole lines (a callback threw mid-chunk)
  let skipLF = false // the last chunk ended with CR: a leading LF of the next one ends nothing
  let skipLine = false // dropping the rest of an over-long line

  // event state
  let data = ''
  let hasData = false
  let eventType = ''
  let id: string | undefined
  let tooLarge = false

  function clearEvent(): void {
    data = ''
    hasData = false
    eventType = ''
    id = undefined
    tooLarge = false
  }

  function reportTooLarge(size: number): void {
    data = ''
    hasData = false
    if (tooLarge) return
    tooLarge = true
    callbacks.onError?.({ type: 'too_large', size })
  }

  function dispatch(): void {
    const eventId = id
    const event =
      hasData && !tooLarge ? { id: eventId, event: eventType === '' ? 'message' : eventType, data } : undefined
    clearEvent()
    if (eventId !== undefined) callbacks.onId?.(eventId)
    if (event) callbacks.onEvent(event)
  }

  function addData(value: string): void {
    if (tooLarge) return
    const size = hasData ? data.length + 1 + value.length : value.length
    if (size > maxEventSize) return reportTooLarge(size)
    data = hasData ? `${data}\n${value}` : value
    hasData = true
  }

  function setId(value: string): void {
    if (!value.includes('\0')) id = value
  }

  function field(name: string, value: string): void {
    // unknown fields are ignored
    if (name === 'data') addData(value)
    else if (name === 'event') eventType = value
    else if (name === 'id') setId(value)
    else if (name === 'retry' && DIGITS.test(value)) {
      const ms = Number(value)
      if (Number.isSafeInteger(ms)) callbacks.onRetry?.(ms)
    }
  }

  /** Where the value of a field starts: after the colon at `colon`, minus one space. */
  function valueStart(text: string, colon: number, end: number): number {
    return colon + 1 < end && text.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1
  }

  /** Parses whole lines of `text` from `pos`; keeps the unfinished tail in `pending`. */
  function scan(text: string, pos: number): void {
    let cr = text.indexOf('\r', pos)
    let lf = text.indexOf('\n', pos)
    let colon = text.indexOf(':', pos)
    let completed = false // the loop ran out of line breaks: the tail holds none
    try {
      while (pos < text.length) {
        if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos)
        if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos)
        let end: number
        if (cr === -1) {
          if (lf === -1) break
          end = lf
        } else {
          end = lf === -1 || cr < lf ? cr : lf
        }
        const start = pos
        // advance first, so that a throwing callback leaves the parser consistent
        if (end === cr) {
          if (end + 1 === text.length) skipLF = true
          pos = text.charCodeAt(end + 1) === LF ? end + 2 : end + 1
        } else {
          pos = end + 1
        }

        if (start === end) {
          dispatch()
          continue
        }
        if (end - start > maxLineLength) {
          reportTooLarge(end - start)
          continue
        }
        // Fast paths for `data:`, `id:` and comments, without slicing the field name. The line's terminator
        // (CR or LF) at `end` can never match a prefix character, so they cannot read past the line.
        const c0 = text.charCodeAt(start)
        if (
          c0 === 100 && // d
          text.charCodeAt(start + 1) === 97 && // a
          text.charCodeAt(start + 2) === 116 && // t
          text.charCodeAt(start + 3) === 97 && // a
          text.charCodeAt(start + 4) === COLON
        ) {
          addData(text.slice(valueStart(text, start + 4, end), end))
          continue
        }
        if (c0 === 105 && text.charCodeAt(start + 1) === 100 && text.charCodeAt(start + 2) === COLON) {
          setId(text.slice(valueStart(text, start + 2, end), end))
          continue
        }
        if (c0 === COLON) {
          if (callbacks.onComment) callbacks.onComment(text.slice(valueStart(text, start, end), end))
          continue
        }
        if (colon !== -1 && colon < start) colon = text.indexOf(':', start)
        if (colon !== -1 && colon < end) field(text.slice(start, colon), text.slice(valueStart(text, colon, end), end))
        else field(text.slice(start, end), '')
      }
      completed = true
    } finally {
      const tail = pos < text.length ? text.slice(pos) : ''
      pending = tail === '' ? [] : [tail]
      pendingLength = tail.length
      // Only a callback that threw can leave whole lines behind; a finished scan needs no second look at the tail.
      rescan = !completed && (tail.indexOf('\n') !== -1 || tail.indexOf('\r') !== -1)
      if (!rescan && pendingLength > maxLineLength) dropLongLine()
    }
  }

  function dropLongLine(): void {
    const size = pendingLength
    pending = []
    pendingLength = 0
    skipLine = true
    reportTooLarge(size)
  }

  function feed(chunk: string): void {
    if (chunk === '') return
    let pos = 0
    if (!started) {
      started = true
      if (chunk.charCodeAt(0) === BOM) pos = 1
    }
    if (skipLF) {
      if (pos === chunk.length) return
      skipLF = false
      if (chunk.charCodeAt(pos) === LF) pos++
    }
    if (skipLine) {
      const cr = chunk.indexOf('\r', pos)
      const lf = chunk.indexOf('\n', pos)
      if (cr === -1 && lf === -1) return
      skipLine = false
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf)
      // the over-long line ends here; its terminator is consumed like any other (a CR last in the chunk leaves
      // `pos` at its end)
      if (end === cr && end + 1 === chunk.length) skipLF = true
      pos = end === cr && chunk.charCodeAt(end + 1) === LF ? end + 2 : end + 1
    }
    if (pos === chunk.length) return
    if (pendingLength === 0) return scan(chunk, pos)
    pending.push(pos === 0 ? chunk : chunk.slice(pos))
    if (!rescan && chunk.indexOf('\n', pos) === -1 && chunk.indexOf('\r', pos) === -1) {
      // the unfinished line goes on: appended without scanning it again
      pendingLength += chunk.length - pos
      if (pendingLength > maxLineLength) dropLongLine()
      return
    }
    const text = pending.join('')
    pending = []
    pendingLength = 0
    scan(text, 0)
  }

  function reset(): void {
    started = false
    pending = []
    pendingLength = 0
    rescan = false
    skipLF = false
    skipLine = false
    clearEvent()
  }

  return { feed, reset }
}
