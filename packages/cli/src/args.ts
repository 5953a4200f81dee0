/**
 * `switchline` arguments: `node:util` `parseArgs` plus the checks that make a bad command line a usage error
 * (exit 2) before anything connects. Pure: no I/O.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { isChannelId } from '@switchline/client/protocol'
import { parseHeader } from './headers'

/** How event payloads are decoded on raw streams. */
export type TailFormat = 'json' | 'text'

/** The transport `--transport` asks for (`ws` is spelled `websocket` here, as the client spells it). */
export type TailTransport = 'auto' | 'sse' | 'websocket'

/** A checked `switchline tail` command line. */
export interface TailArgs {
  /** The endpoint (raw mode) or the Switchline base URL (`--channel`), as a normalised absolute URL. */
  url: string
  /** Channel identifiers (`name` or `name:key`); empty for a raw stream. */
  channels: string[]
  /** `--since`: resume after this event id. */
  since: string | undefined
  /** `-H`: request headers, names lower-cased; repeated names are joined with `, `. */
  headers: Record<string, string>
  /** `--post`: the body source as given (`@file`, `@-` for stdin, or inline JSON); read by `body.ts`. */
  post: string | undefined
  /** `--until`: a payload equal to this ends the tail cleanly. */
  until: string | undefined
  /** `--format`: how raw payloads are decoded. */
  format: TailFormat
  /** `--json`: one JSON line per event on stdout. */
  json: boolean
  transport: TailTransport
  /** `--max-retries`: reconnects after a failure before giving up; `undefined` retries for ever. */
  maxRetries: number | undefined
}

/** What the command line asks for. */
export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'tail'; args: TailArgs }

/** A bad command line: printed with the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError'
  readonly code = 'usage'
}

/** The usage text (`--help`). */
export const USAGE = `Usage: switchline tail <url> [options]
       switchline tail <base-url> --channel <name[:key]>[,…] [options]

Follows a stream and prints its events on stdout, one per line; state changes, retries and gaps go to stderr.
  <url>                      any SSE (http, https) or WebSocket (ws, wss) endpoint
  <base-url>                 a Switchline server's base URL (http, https), e.g. http://127.0.0.1:8787/rt

Options:
  -c, --channel <list>       Switchline channels, comma-separated or repeated (e.g. ticker,clock or chat:room-a)
      --since <id>           resume after this event id (sent as Last-Event-ID / the subscribe cursor)
  -H, --header <h>           request header 'Name: value', repeatable (e.g. -H 'Authorization: Bearer …')
      --post <body>          POST this JSON body (SSE): inline JSON, @file.json, or @- for stdin
      --until <data>         stop cleanly (exit 0) at an event whose data is exactly this, e.g. '[DONE]'
      --format <json|text>   how raw payloads are decoded (default json; channels always carry JSON)
      --json                 print one JSON line per event: {"id","channel","event","data"}
      --transport <t>        sse, ws or auto (default auto: the URL's scheme, or per channel)
      --max-retries <n>      give up after n reconnects in a row (default: retry for ever)
  -h, --help                 show this help
      --version              print the version

Exit codes: 0 the stream ended cleanly (--until, the server's 204, done), 1 a fatal error (401, 403, 404,
unknown channel, retries used up), 2 a bad command line, 130 / 143 stopped by SIGINT (Ctrl-C) / SIGTERM.`

const OPTIONS = {
  channel: { type: 'string', short: 'c', multiple: true },
  since: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  post: { type: 'string' },
  until: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  transport: { type: 'string' },
  'max-retries': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

const SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:'])
const TRANSPORTS: Record<string, TailTransport> = { auto: 'auto', sse: 'sse', ws: 'websocket', websocket: 'websocket' }

/**
 * Parses `argv` (without `node` and the script).
 * @throws UsageError for anything that cannot run: unknown flags, a missing or bad URL, bad values, flags that
 * contradict each other.
 * @example
 * parseCommand(['tail', 'http://127.0.0.1:8787/rt', '--channel', 'ticker,clock', '--json'])
 */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.version) return { kind: 'version' }
  if (values.help) return { kind: 'help' }
  const [command, url, ...extra] = positionals
  if (command === undefined) throw new UsageError('missing command: switchline tail <url>')
  if (command !== 'tail') throw new UsageError(`unknown command '${command}' (the command is tail)`)
  if (url === undefined) throw new UsageError('missing <url>')
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`)

  const channels = (values.channel ?? [])
    .flatMap((list) => list.split(','))
    .map((c) => c.trim())
    .filter((c) => c !== '')
  if (values.channel !== undefined && channels.length === 0) throw new UsageError('--channel needs at least one name')
  for (const channel of channels) {
    if (!isChannelId(channel))
      throw new UsageError(`--channel: '${channel}' is not a channel identifier (name or name:key)`)
  }
  const target = checkUrl(url, channels.length > 0)
  const transport = TRANSPORTS[values.transport ?? 'auto']
  if (transport === undefined) throw new UsageError(`--transport must be sse, ws or auto, not '${values.transport}'`)
  const format = values.format ?? 'json'
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text, not '${format}'`)
  if (channels.length > 0) {
    if (values.format !== undefined) throw new UsageError('--format applies to raw streams; channels carry JSON')
    if (values.post !== undefined) throw new UsageError('--post applies to raw SSE streams, not to --channel')
  } else if (values.post !== undefined && rawTransport(target, transport) === 'websocket') {
    throw new UsageError('--post needs an SSE endpoint (http or https), not a WebSocket')
  }
  if (values.post === '' || values.post === '@') throw new UsageError('--post needs inline JSON, @file or @-')
  if (values.since === '') throw new UsageError('--since needs an event id')

  // No prototype: `-H 'constructor: x'` or `-H '__proto__: x'` is a header like any other.
  const headers: Record<string, string> = Object.create(null)
  for (const line of values.header ?? []) {
    const header = parseHeader(line)
    if (typeof header === 'string') throw new UsageError(`-H '${line}': ${header}`)
    headers[header.name] =
      headers[header.name] === undefined ? header.value : `${headers[header.name]}, ${header.value}`
  }

  return {
    kind: 'tail',
    args: {
      url: target.href,
      channels,
      since: values.since,
      headers,
      post: values.post,
      until: values.until,
      format,
      json: values.json ?? false,
      transport,
      maxRetries: values['max-retries'] === undefined ? undefined : retries(values['max-retries']),
    },
  }
}

function checkUrl(text: string, channels: boolean): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`'${text}' is not a URL (e.g. http://127.0.0.1:8787/stream or ws://127.0.0.1:8787/feed)`)
  }
  if (!SCHEMES.has(url.protocol)) throw new UsageError(`unsupported URL scheme ${url.protocol} (http, https, ws, wss)`)
  if (channels && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--channel needs the server's http(s) base URL, not ${url.protocol}//`)
  }
  return url
}

/** The transport a raw stream will ride: the forced one, else the URL's scheme. */
export function rawTransport(url: URL, transport: TailTransport): 'sse' | 'websocket' {
  if (transport !== 'auto') return transport
  return url.protocol === 'ws:' || url.protocol === 'wss:' ? 'websocket' : 'sse'
}

function retries(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 1_000_000) {
    throw new UsageError(`--max-retries needs a whole number from 0 to 1000000, not '${text}'`)
  }
  return Number(text)
}
