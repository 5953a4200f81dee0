/** The `switchline-server` bin: `runCli` (src/cli/main.ts) on the real process. Run the built `dist/cli.js`. */
import { runCli } from './cli/main'

void runCli(process.argv.slice(2), {
  output: {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
  },
  onSignal: (signal, handler) => void process.once(signal, handler),
  exit: (code) => process.exit(code),
})
