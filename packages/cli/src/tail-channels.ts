/**
 * `switchline tail <base> --channel a,b`: channels over the Switchline protocol through the client's
 * `createClient()` — one SSE stream and at most one WebSocket for all of them, resumed by id, gaps reported.
 */
import {
  createClient,
  type BaseSubscription,
  type ChannelSubscribeOptions,
  type ClientOptions,
} from '@switchline/client'
import type { TailArgs } from './args'
import { bearerToken } from './headers'
import { eventLine, gapLine, stateLine, warningLine } from './output'
import type { Close, Finish, TailIo } from './tail'
import { closedVerdict, errorReporter, reconnectOption, retryVerdict } from './verdicts'
import { headerWebSocket } from './ws-platform'

type AnySchema = Record<string, { receive: unknown }>

/**
 * Starts the channel tail and returns its `close`. The tail ends when `--until` matches (0), when any channel
 * fails (1: unknown channel, forbidden, retries used up…), or when every channel has ended cleanly (0).
 * @throws SwitchlineError `invalid_options` from the client (synchronously)
 */
export function tailChannels(args: TailArgs, io: TailIo, finish: Finish): Close {
  const where = args.url
  const token = bearerToken(args.headers)
  const options: ClientOptions = {
    url: args.url,
    transport: args.transport,
    reconnect: reconnectOption(args.maxRetries),
    // The WebSocket carries the token in its first frame; -H headers also go on its upgrade request.
    platform: { WebSocket: headerWebSocket(args.headers, () => {}) },
    onConnectionState(change) {
      const verdict = change.to === 'reconnecting' ? retryVerdict(change, undefined, where) : undefined
      if (verdict) finish(verdict.code, verdict.line)
      // A connection closes with its last channel; the channels' own `closed` ends the tail.
      else if (change.to !== 'closed') io.err(stateLine(`${change.transport} connection`, change))
    },
  }
  if (Object.keys(args.headers).length > 0) options.headers = args.headers
  if (token !== undefined) options.token = () => token
  io.err(`connecting to ${where} (channels ${args.channels.join(', ')})`)
  const client = createClient<AnySchema>(options)
  let open = args.channels.length
  for (const channel of args.channels) {
    const colon = channel.indexOf(':')
    const name = colon === -1 ? channel : channel.slice(0, colon)
    let shownTransport: string | undefined
    const errors = errorReporter((error) => io.err(warningLine(channel, error)))
    let subscription: BaseSubscription<unknown> | undefined
    const channelOptions: ChannelSubscribeOptions<unknown> = {
      onEvent(data, meta) {
        if (args.until !== undefined && matchesUntil(data, args.until)) {
          finish(0, `${channel}: ended (--until matched)`)
          return
        }
        io.out(eventLine({ ...meta, channel: meta.channel ?? channel, data }, args.json))
      },
      onState(change) {
        errors.seen(change.error)
        if (change.to === 'closed') {
          const verdict = closedVerdict(channel, change, `${where}, channel ${channel}`)
          if (verdict.code !== 0 || --open === 0) finish(verdict.code, verdict.line)
          else if (verdict.line !== undefined) io.err(verdict.line)
          return
        }
        if (change.to !== 'open') return // the connection lines say it
        const transport = `${subscription?.transport ?? '?'}: ${subscription?.transportReason ?? ''}`
        const detail = transport === shownTransport ? undefined : (shownTransport = transport)
        io.err(stateLine(channel, change, detail))
      },
      onGap: (gap) => io.err(gapLine(gap)),
      onError: errors.report,
    }
    if (colon !== -1) channelOptions.key = channel.slice(colon + 1)
    if (args.since !== undefined) channelOptions.lastEventId = args.since
    subscription = client.subscribe(name, channelOptions)
  }
  return () => client.close()
}

/** `--until` on a channel: a string payload equal to it, or a payload whose JSON text is it. */
function matchesUntil(data: unknown, until: string): boolean {
  return data === until || JSON.stringify(data) === until
}
