/** Starts the CLI server in-process (the `switchline-server` bin is a thin wrapper around this). */
import { readFile } from 'node:fs/promises'
import { PATHS, SUBPROTOCOL } from '@switchline/client/protocol'
import { createDemo, DEMO_CHANNELS, type Demo } from '../demo'
import type { TlsOptions } from '../listen'
import type { EngineFactory } from '../engine'
import { createSwitchlineServer, type SwitchlineServer } from '../server'
import { createFaultInjector, type FaultInjector } from '../testing/index'
import { CliUsageError, parseCliArgs, USAGE } from './args'

/** Where the CLI writes. Each call is one line. */
export interface CliOutput {
  out(line: string): void
  err(line: string): void
}

/** A running CLI server. */
export interface RunningCli {
  baseUrl: string
  server: SwitchlineServer<boolean>
  faults: FaultInjector | undefined
  /** Stops the demo, closes the server and the listener. */
  stop(): Promise<void>
}

/**
 * Parses `argv`, starts the server and prints the base URL as the first line of output.
 * Resolves `undefined` after printing help.
 * @throws {@link CliUsageError} on bad arguments.
 */
export async function startCli(argv: readonly string[], output: CliOutput): Promise<RunningCli | undefined> {
  const args = parseCliArgs(argv)
  if (args.help) {
    output.out(USAGE)
    return undefined
  }
  const tls =
    args.tlsCert !== undefined && args.tlsKey !== undefined ? await readTls(args.tlsCert, args.tlsKey) : undefined
  // --faults lets the playground and browser tests on other ports drive the server, so it allows every origin
  // (with credentials) unless --allowed-origins says otherwise; the warning below says so.
  const allowedOrigins = args.allowedOrigins ?? (args.faults ? '*' : [])
  const engine = args.redis === undefined ? undefined : await loadRedisEngine(args.redis)
  const server = createSwitchlineServer<boolean>({
    ...(engine ? { engine } : {}),
    channels: args.demo ? { ...DEMO_CHANNELS } : {},
    basePath: args.basePath,
    faults: args.faults,
    allowedOrigins,
    ...(args.heartbeatMs !== undefined ? { heartbeatMs: args.heartbeatMs } : {}),
    ...(args.maxConnectionsPerSecond !== undefined ? { maxConnectionsPerSecond: args.maxConnectionsPerSecond } : {}),
    onPublish: (e) => {
      if (e.source !== 'server')
        output.out(`publish ${e.channel} ${e.eventId} via ${e.source}: ${JSON.stringify(e.data)}`)
    },
  })
  const faults = args.faults ? createFaultInjector(server) : undefined
  const listener = await server.listen({ host: args.host, port: args.port, ...(tls ? { tls } : {}) })
  const demo: Demo | undefined = args.demo ? createDemo(server) : undefined
  output.out(listener.baseUrl)
  if (faults) output.out(faultsWarning(listener.baseUrl, allowedOrigins))
  const https = tls ? ' (HTTPS: HTTP/2 with HTTP/1.1 fallback)' : ''
  if (args.redis === undefined) output.out(`switchline-server listening${https}, epoch ${server.epoch}`)
  else {
    // The server listens before Redis answers: until then B/ready says 503 and new streams are refused retryably.
    const where = redactedUrl(args.redis)
    output.out(`switchline-server listening${https}, engine redis at ${where}, waiting for Redis`)
    server.ready().then(
      () => output.out(`redis engine ready, epoch ${server.epoch}`),
      () => undefined, // closed before Redis answered
    )
  }
  output.out(`  SSE        GET  ${listener.baseUrl}${PATHS.sse}?channels=...`)
  output.out(`  WebSocket  GET  ${listener.baseUrl.replace(/^http/, 'ws')}${PATHS.ws} (subprotocol ${SUBPROTOCOL})`)
  output.out(`  publish    POST ${listener.baseUrl}${PATHS.publish}`)
  if (demo) output.out('  demo channels: ticker (10/s), clock (1/s), chat (send)')
  if (faults) output.out(`  faults: POST ${listener.baseUrl}/_faults/<action>, GET ${listener.baseUrl}/_faults/stats`)
  let stopping: Promise<void> | undefined
  return {
    baseUrl: listener.baseUrl,
    server,
    faults,
    stop: () =>
      (stopping ??= (async () => {
        demo?.stop()
        await listener.close()
      })()),
  }
}

/** Reads the PEM files of `--tls-cert` / `--tls-key`; a file that cannot be read is a usage error naming it. */
async function readTls(certFile: string, keyFile: string): Promise<TlsOptions> {
  const read = async (flag: string, file: string): Promise<Buffer> => {
    try {
      return await readFile(file)
    } catch (err) {
      throw new CliUsageError(`${flag}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`)
    }
  }
  return { cert: await read('--tls-cert', certFile), key: await read('--tls-key', keyFile) }
}

/** The line printed right after the base URL when fault routes are on: what is exposed, and to which origins. */
export function faultsWarning(baseUrl: string, allowedOrigins: readonly string[] | '*'): string {
  const origins =
    allowedOrigins === '*' ? 'every origin (*), with credentials' : ['same-host', ...allowedOrigins].join(', ')
  return `WARNING: fault injection routes are enabled (${baseUrl}/_faults/*): anyone allowed can drop, stall or restart this server. Allowed origins: ${origins}. Never use --faults in production.`
}

/** The Redis engine for `--redis` (loaded only then: it needs the optional `ioredis` package). */
async function loadRedisEngine(url: string): Promise<EngineFactory<boolean>> {
  let module: typeof import('../redis/index')
  try {
    module = await import('../redis/index')
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(`--redis needs the ioredis package next to @switchline/server (npm i ioredis): ${reason}`)
  }
  return module.redisEngine({ url })
}

/** A Redis URL without its password, for printing. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'redis'
  }
}
