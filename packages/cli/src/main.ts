/**
 * The whole `switchline` program with its process injected (arguments, output, files, stdin, signals), so tests
 * can run it in-process; `cli.ts` passes the real `process`.
 */
import { isSwitchlineError } from '@switchline/client'
import { version } from '../package.json'
import { parseCommand, USAGE, UsageError } from './args'
import { readPostBody, type BodySources } from './body'
import { EXIT, runTail, type TailIo } from './tail'

/** The parts of the process the CLI uses. */
export interface CliProcess extends TailIo, BodySources {
  /** Aborted with `'SIGINT'` / `'SIGTERM'` on those signals, or another reason when stdout is gone. */
  stop: AbortSignal
}

/**
 * Runs `switchline <argv>` and resolves with the exit code: 0 clean end (and `--help`, `--version`), 1 fatal
 * error, 2 bad command line (with the usage on stderr), 130 / 143 after SIGINT / SIGTERM.
 * @example
 * const code = await runCli(['tail', 'http://127.0.0.1:8787/rt', '--channel', 'ticker'], proc)
 */
export async function runCli(argv: readonly string[], proc: CliProcess): Promise<number> {
  try {
    const command = parseCommand(argv)
    if (command.kind === 'help') {
      proc.out(USAGE)
      return EXIT.ok
    }
    if (command.kind === 'version') {
      proc.out(version)
      return EXIT.ok
    }
    const { args } = command
    const body =
      args.post === undefined ? undefined : await untilStopped(readPostBody(args.post, args.headers, proc), proc.stop)
    // Stopped while the body was read (Ctrl-C at a `--post @-` prompt): nothing was opened, nothing to close.
    if (proc.stop.aborted) return stoppedCode(proc)
    return await runTail(args, body, proc, proc.stop)
  } catch (error) {
    if (error instanceof UsageError) {
      proc.err(`switchline: ${error.message}\n\n${USAGE}`)
      return EXIT.usage
    }
    if (isSwitchlineError(error, 'invalid_options')) {
      proc.err(`switchline: ${error.message}`)
      return EXIT.usage
    }
    proc.err(`switchline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return EXIT.failed
  }
}

/**
 * Settles as `work` does, or with `undefined` as soon as `stop` is aborted (stdin may never end). A `work` left
 * behind has its rejection handled here: the caller has moved on.
 */
function untilStopped<T>(work: Promise<T>, stop: AbortSignal): Promise<T | undefined> {
  if (stop.aborted) {
    work.catch(() => {})
    return Promise.resolve(undefined)
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => {})
      resolve(undefined)
    }
    stop.addEventListener('abort', onAbort, { once: true })
    work.then(
      (value) => {
        stop.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        stop.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}

/** The exit code for a stop before the tail started, as `runTail` gives it after: 130 / 143, else 0. */
function stoppedCode(proc: CliProcess): number {
  const reason: unknown = proc.stop.reason
  if (reason !== 'SIGINT' && reason !== 'SIGTERM') return EXIT.ok
  proc.err(`${reason}: closing`)
  return EXIT[reason]
}
