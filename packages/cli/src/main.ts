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
    const body = args.post === undefined ? undefined : await readPostBody(args.post, args.headers, proc)
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
