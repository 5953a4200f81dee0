/**
 * When a tail ends, and with what exit code: the CLI's reading of the client's state changes. Pure.
 *
 * The client retries a 401 (its token provider may have a new token) and a refused WebSocket upgrade (it sees only
 * a 1006 close). The CLI's credentials are its `-H` flags, which never change, so for the CLI both are final.
 */
import type { ReconnectOptions, StateChange, SwitchlineError } from '@switchline/client'
import { fatalLine } from './output'

/** How a tail ends: the exit code and the stderr line that says why. */
export interface Verdict {
  code: number
  line: string | undefined
}

/**
 * The client's `reconnect` option for `--max-retries`: the client's defaults (its backoff, retrying for ever) when
 * not given, `false` for 0, else that many retries after the first failed attempt.
 */
export function reconnectOption(maxRetries: number | undefined): ReconnectOptions | false {
  if (maxRetries === undefined) return {}
  return maxRetries === 0 ? false : { maxAttempts: maxRetries + 1 }
}

/**
 * The verdict on `to: 'closed'` of `subject` at `where`: a close without an error is a clean end (0); so is the
 * server's `204` (R23: the server wants the client to stop); any other error is fatal (1).
 */
export function closedVerdict(subject: string, change: StateChange, where: string): Verdict {
  const error = change.error
  if (error === undefined) return { code: 0, line: `${subject}: ended (${change.reason ?? 'closed'})` }
  if (error.code === 'http_status' && error.status === 204) {
    return { code: 0, line: `${subject}: ended (the server answered 204: stop)` }
  }
  return { code: 1, line: fatalLine(error, where) }
}

/**
 * The verdict on `to: 'reconnecting'`: `undefined` (let the client retry), or fatal (1) for a 401 and for a
 * WebSocket upgrade refused with a final status (`refusedStatus`: 4xx other than 408 and 429).
 */
export function retryVerdict(
  change: StateChange,
  refusedStatus: number | undefined,
  where: string,
): Verdict | undefined {
  const error = change.error
  if (error?.code === 'unauthorized') {
    return {
      code: 1,
      line: fatalLine({ code: 'unauthorized', message: `${error.message} (credentials refused; check -H)` }, where),
    }
  }
  if (
    refusedStatus !== undefined &&
    refusedStatus >= 400 &&
    refusedStatus < 500 &&
    refusedStatus !== 408 &&
    refusedStatus !== 429
  ) {
    const code = refusedStatus === 401 ? 'unauthorized' : 'http_status'
    return { code: 1, line: fatalLine({ code, message: `WebSocket upgrade answered HTTP ${refusedStatus}` }, where) }
  }
  return undefined
}

/**
 * Reports the errors of `onError` that no state change reports: a payload that failed to decode, a malformed
 * frame. An error that came with a state change first (a retry's cause) is not printed again, and the fatal
 * one ends the tail with its own line.
 */
export function errorReporter(print: (error: SwitchlineError) => void): {
  /** Marks an error as printed with a state change. */
  seen(error: SwitchlineError | undefined): void
  /** The `onError` callback. */
  report(error: SwitchlineError): void
} {
  const printed = new WeakSet<SwitchlineError>()
  return {
    seen(error) {
      if (error !== undefined) printed.add(error)
    },
    report(error) {
      if (error.fatal || printed.has(error)) return
      printed.add(error)
      print(error)
    },
  }
}
