/**
 * What `switchline tail` prints: event lines for stdout, status lines for stderr. Pure: strings in, strings out.
 */
import type { GapInfo, StateChange, SwitchlineError } from '@switchline/client'

/** One event as the CLI prints it. */
export interface TailEvent {
  id: string | undefined
  /** The Switchline channel, `undefined` on a raw stream. */
  channel: string | undefined
  /** The event name; `'message'` is the default and is not printed. */
  event: string
  data: unknown
}

/**
 * The stdout line of an event.
 * - text (default): the data — a string as it is, anything else as compact JSON — after `[channel event] ` when
 *   the event has a channel or a name other than `message`;
 * - `json`: `{"id":…,"channel":…,"event":…,"data":…}`, `id` `null` when the event has none, `channel` only for
 *   channels, `event` only when it is not `message`.
 * @example
 * eventLine({ id: '0-1', channel: 'ticker', event: 'message', data: { p: 1 } }, false) // '[ticker] {"p":1}'
 * eventLine({ id: '7', channel: undefined, event: 'message', data: 'hi' }, true)      // '{"id":"7","data":"hi"}'
 */
export function eventLine(event: TailEvent, json: boolean): string {
  const named = event.event !== 'message'
  if (json) {
    return JSON.stringify({
      id: event.id ?? null,
      ...(event.channel === undefined ? {} : { channel: event.channel }),
      ...(named ? { event: event.event } : {}),
      data: event.data,
    })
  }
  const data = typeof event.data === 'string' ? event.data : String(JSON.stringify(event.data))
  const prefix = [event.channel, named ? event.event : undefined].filter((part) => part !== undefined).join(' ')
  return prefix === '' ? data : `[${prefix}] ${data}`
}

/**
 * The stderr line of a state change of `subject` (`sse`, `websocket`, a channel name).
 * @example
 * stateLine('sse', { from: 'open', to: 'reconnecting', attempt: 1, delayMs: 812, reason: 'SSE stream ended' })
 * // 'sse: reconnecting in 812 ms (attempt 1): SSE stream ended'
 */
export function stateLine(subject: string, change: StateChange, detail?: string): string {
  const why = change.reason === undefined ? '' : `: ${change.reason}`
  switch (change.to) {
    case 'reconnecting':
      return change.delayMs === undefined
        ? `${subject}: waiting (${change.reason ?? 'paused'})${change.attempt === undefined ? '' : ` after attempt ${change.attempt}`}`
        : `${subject}: reconnecting in ${change.delayMs} ms (attempt ${change.attempt ?? 1})${why}`
    case 'open':
      return `${subject}: open${detail === undefined ? '' : ` (${detail})`}`
    case 'connecting':
      return `${subject}: connecting${change.reason === undefined ? '' : ` (${change.reason})`}`
    case 'closed':
      return `${subject}: closed${change.error ? `: ${change.error.message}` : why}`
  }
}

/**
 * The stderr line of a gap: events the server can no longer replay (`to` is the first id delivered after it).
 * @example
 * gapLine({ channel: 'ticker', from: 'a-3', to: 'b-1', reason: 'epoch' }) // 'ticker: gap after a-3, resuming at b-1 (epoch)'
 */
export function gapLine(gap: GapInfo): string {
  const resume = gap.to === null ? 'nothing retained after it' : `resuming at ${gap.to}`
  return `${gap.channel}: gap after ${gap.from ?? 'the start'}, ${resume} (${gap.reason})`
}

/** The stderr line of a non-fatal error (a payload that failed to decode, a malformed frame): the stream goes on. */
export function warningLine(subject: string, error: SwitchlineError): string {
  return `${subject}: ${error.code}: ${error.message}`
}

/**
 * The one line a fatal error ends the tail with.
 * @example
 * fatalLine(new SwitchlineError('http_status', 'HTTP 404', { status: 404, fatal: true }), 'http://127.0.0.1:1/x')
 * // 'switchline tail: http_status: HTTP 404 (http://127.0.0.1:1/x)'
 */
export function fatalLine(error: Pick<SwitchlineError, 'code' | 'message'>, where: string): string {
  return `switchline tail: ${error.code}: ${error.message} (${where})`
}
