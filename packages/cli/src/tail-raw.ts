/**
 * `switchline tail <url>`: one raw stream through the client's `subscribe(url)` — SSE for http(s), WebSocket for
 * ws(s) — with the CLI's decoder, `--until`, headers, POST body and retry limit.
 */
import { subscribe, SwitchlineError, type BaseSubscription, type SubscribeOptions } from '@switchline/client'
import { rawTransport, type TailArgs, type TailFormat } from './args'
import { eventLine, stateLine, warningLine } from './output'
import type { Close, Finish, TailIo } from './tail'
import { closedVerdict, errorReporter, reconnectOption, retryVerdict } from './verdicts'
import { headerWebSocket } from './ws-platform'

/** What the decoder returns for the `--until` payload: the tail ends there, the payload is not printed. */
const UNTIL: unique symbol = Symbol('until')

/**
 * Starts the raw tail and returns its `close`.
 * @throws SwitchlineError `invalid_options` from `subscribe()` (synchronously)
 */
export function tailRaw(args: TailArgs, body: string | undefined, io: TailIo, finish: Finish): Close {
  const kind = rawTransport(new URL(args.url), args.transport)
  const where = args.url
  let refusedStatus: number | undefined
  let shownTransport: string | undefined
  const errors = errorReporter((error) => io.err(warningLine(kind, error)))
  // Assigned when subscribe() returns; its callbacks may run before that (the first state change).
  let subscription: BaseSubscription<unknown> | undefined
  const headers = { ...args.headers }
  if (body !== undefined) headers['content-type'] ??= 'application/json'

  const options: SubscribeOptions<unknown> = {
    transport: args.transport,
    format: decoder(args.format, args.until),
    reconnect: reconnectOption(args.maxRetries),
    platform: { WebSocket: headerWebSocket(args.headers, (status) => void (refusedStatus = status)) },
    onEvent(data, meta) {
      if (data === UNTIL) finish(0, `${kind}: ended (--until matched)`)
      else io.out(eventLine({ ...meta, data }, args.json))
    },
    onState(change) {
      errors.seen(change.error)
      if (change.to === 'closed') {
        const verdict = closedVerdict(kind, change, where)
        finish(verdict.code, verdict.line)
        return
      }
      if (change.to === 'reconnecting') {
        // A POST stream that produced events is never reconnected: the client closes it itself (resend: false).
        const verdict = retryVerdict(change, refusedStatus, where)
        if (verdict) {
          finish(verdict.code, verdict.line)
          return
        }
      }
      let detail: string | undefined
      if (change.to === 'open') {
        refusedStatus = undefined
        const transport = `${subscription?.transport ?? kind}: ${subscription?.transportReason ?? ''}`
        if (transport !== shownTransport) detail = shownTransport = transport
      }
      io.err(stateLine(kind, change, detail))
    },
    onError: errors.report,
  }
  // The client ends an SSE stream at `done` itself (before decoding); the decoder covers WebSocket messages.
  if (args.until !== undefined) options.done = args.until
  if (args.since !== undefined) options.lastEventId = args.since
  if (Object.keys(headers).length > 0) options.headers = headers
  if (body !== undefined) {
    options.method = 'POST'
    options.body = body
  }
  io.err(`${kind}: connecting to ${where}`)
  const opened = subscribe<unknown>(args.url, options)
  subscription = opened
  return () => opened.close()
}

/**
 * The payload decoder: `--until` first (so `[DONE]` is not a JSON error), then `json` or `text`. A payload that
 * is not JSON under `--format json` is a non-fatal `decode` error showing the start of the text.
 */
function decoder(format: TailFormat, until: string | undefined): (text: string) => unknown {
  return (text) => {
    if (until !== undefined && text === until) return UNTIL
    if (format === 'text') return text
    try {
      return JSON.parse(text) as unknown
    } catch (cause) {
      const start = text.length > 80 ? `${text.slice(0, 80)}…` : text
      throw new SwitchlineError('decode', `not JSON: ${JSON.stringify(start)} (skipped; --format text prints it)`, {
        cause,
      })
    }
  }
}
