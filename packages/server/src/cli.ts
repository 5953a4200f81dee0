/** The `switchline-server` bin. See `src/cli/start.ts`; run the built file with `node dist/cli.js`. */
import { CliUsageError, USAGE } from './cli/args'
import { startCli } from './cli/start'

const output = {
  out: (line: string) => void process.stdout.write(`${line}\n`),
  err: (line: string) => void process.stderr.write(`${line}\n`),
}

startCli(process.argv.slice(2), output).then(
  (running) => {
    if (!running) return
    const shutdown = (signal: string): void => {
      output.err(`${signal}: shutting down`)
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    process.once('SIGINT', () => shutdown('SIGINT'))
    process.once('SIGTERM', () => shutdown('SIGTERM'))
  },
  (err: unknown) => {
    if (err instanceof CliUsageError) {
      output.err(`${err.message}\n\n${USAGE}`)
      process.exit(2)
    }
    output.err(err instanceof Error ? (err.stack ?? err.message) : String(err))
    process.exit(1)
  },
)
