/** Parses `switchline-server` arguments. Pure: no I/O. */

/** Parsed CLI arguments. */
export interface CliArgs {
  host: string
  port: number
  demo: boolean
  faults: boolean
  basePath: string
  heartbeatMs: number | undefined
  /** `undefined`: the server default (unlimited). */
  maxConnectionsPerSecond: number | undefined
  /** `undefined`: the server default (no Origin and same-host only; all origins with `--faults`). */
  allowedOrigins: string[] | '*' | undefined
  /** `--tls-cert` / `--tls-key`: PEM files; both or neither. */
  tlsCert: string | undefined
  tlsKey: string | undefined
  /** `undefined`: the in-memory engine; else the Redis URL of the cluster's engine. */
  redis: string | undefined
  help: boolean
}

/** A usage error; the CLI prints it with the usage text and exits with 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError'
  readonly code = 'usage'
}

/** The usage text. */
export const USAGE = `Usage: switchline-server [options]

  --host <host>          interface to listen on (default 127.0.0.1)
  --port <port>          port, 0 picks a free one (default 0)
  --base-path <path>     base path of the endpoints (default /rt)
  --heartbeat-ms <ms>    SSE heartbeat interval (default 15000)
  --max-connections-per-second <n>
                         admit at most n new SSE streams + WebSocket upgrades per second; over it SSE
                         answers 503 and WebSockets close 1013 (default unlimited)
  --allowed-origins <o>  comma-separated origins allowed, or * (default: same host on localhost and IP
                         literals only; * with --faults)
  --tls-cert <file>      serve HTTPS with this PEM certificate (chain): SSE and publish over HTTP/2,
                         HTTP/1.1 fallback, WebSockets over wss on the same port; needs --tls-key
  --tls-key <file>       the certificate's PEM private key
  --redis <url>          keep the log on Redis Streams (redis:// or rediss:// URL) so several instances
                         behind a load balancer share it; needs the ioredis package (default: in memory)
  --demo                 serve the demo channels ticker, clock and chat
  --faults               enable fault injection over HTTP (B/_faults/*); never in production
  -h, --help             show this help

The first line of stdout is the base URL, e.g. http://127.0.0.1:41234/rt`

function integer(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new CliUsageError(`${flag} needs an integer`)
  const n = Number(value)
  if (n < min || n > max) throw new CliUsageError(`${flag} must be between ${min} and ${max}`)
  return n
}

/** Parses `argv` (without `node` and the script). Accepts `--flag value` and `--flag=value`. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    host: '127.0.0.1',
    port: 0,
    demo: false,
    faults: false,
    basePath: '/rt',
    heartbeatMs: undefined,
    maxConnectionsPerSecond: undefined,
    allowedOrigins: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    redis: undefined,
    help: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1
    const flag = eq === -1 ? raw : raw.slice(0, eq)
    const value = (): string | undefined => (eq === -1 ? argv[++i] : raw.slice(eq + 1))
    switch (flag) {
      case '--host': {
        const host = value()
        if (!host) throw new CliUsageError('--host needs a value')
        args.host = host
        break
      }
      case '--port':
        args.port = integer('--port', value(), 0, 65_535)
        break
      case '--base-path': {
        const path = value()
        if (path === undefined || !path.startsWith('/')) throw new CliUsageError('--base-path must start with /')
        args.basePath = path
        break
      }
      case '--heartbeat-ms':
        args.heartbeatMs = integer('--heartbeat-ms', value(), 1, 3_600_000)
        break
      case '--max-connections-per-second':
        args.maxConnectionsPerSecond = integer('--max-connections-per-second', value(), 1, 1_000_000)
        break
      case '--allowed-origins': {
        const list = value()
        if (!list) throw new CliUsageError('--allowed-origins needs a value')
        args.allowedOrigins =
          list === '*'
            ? '*'
            : list
                .split(',')
                .map((o) => o.trim())
                .filter((o) => o !== '')
        break
      }
      case '--tls-cert':
      case '--tls-key': {
        const file = value()
        if (!file) throw new CliUsageError(`${flag} needs a file`)
        if (flag === '--tls-cert') args.tlsCert = file
        else args.tlsKey = file
        break
      }
      case '--redis': {
        const url = value()
        if (!url || !/^rediss?:\/\/./.test(url)) throw new CliUsageError('--redis needs a redis:// or rediss:// URL')
        args.redis = url
        break
      }
      case '--demo':
        args.demo = true
        break
      case '--faults':
        args.faults = true
        break
      case '-h':
      case '--help':
        args.help = true
        break
      default:
        throw new CliUsageError(`unknown argument: ${raw}`)
    }
  }
  if ((args.tlsCert === undefined) !== (args.tlsKey === undefined)) {
    throw new CliUsageError('--tls-cert and --tls-key go together')
  }
  return args
}
