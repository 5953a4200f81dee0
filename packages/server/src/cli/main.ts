/**
 * The whole `switchline-server` program with its process injected: arguments, output, signals and exit. The bin
 * (`src/cli.ts`) passes the real `process`; tests run it in-process with fakes.
 */
import { CliUsageError, USAGE } from './args'
import { startCli, type CliOutput, type RunningCli } from './start'

/** The parts of `process` the CLI uses. */
export interface CliProcess {
  output: CliOutput
  /** Registers a one-time signal handler (`process.once`). */
  onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void
  /** Ends the program (`process.exit`). */
  exit(code: number): void
}

/**
 * Runs the CLI: starts the server (first output line: the base URL), then on SIGINT/SIGTERM closes everything
 * and exits 0 (1 if closing failed). Bad arguments exit 2 with the usage; a failed start exits 1.
 * Resolves with the running server, or `undefined` after `--help` or a failed start.
 */
export async function runCli(argv: readonly string[], proc: CliProcess): Promise<RunningCli | undefined> {
  const { output } = proc
  let running: RunningCli | undefined
  try {
    running = await startCli(argv, output)
  } catch (err) {
    if (err instanceof CliUsageError) {
      output.err(`${err.message}\n\n${USAGE}`)
      proc.exit(2)
    } else {
      output.err(err instanceof Error ? (err.stack ?? err.message) : String(err))
      proc.exit(1)
    }
    return undefined
  }
  if (!running) return undefined
  const { stop } = running
  const shutdown = (signal: string): void => {
    output.err(`${signal}: shutting down`)
    stop().then(
      () => proc.exit(0),
      () => proc.exit(1),
    )
  }
  proc.onSignal('SIGINT', () => shutdown('SIGINT'))
  proc.onSignal('SIGTERM', () => shutdown('SIGTERM'))
  return running
}
