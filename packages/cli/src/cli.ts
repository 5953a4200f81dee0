/**
 * The `switchline` bin: `runCli` (main.ts) on the real process. The exit code is set and the event loop left to
 * drain, so a socket or timer the run failed to close would show: if the process is still alive
 * {@link LINGER_MS} after the run ended, it says what is still open and exits anyway.
 */
import { readFile } from 'node:fs/promises'
import { runCli } from './main'

/** How long the process may take to drain after the run ended. */
const LINGER_MS = 2_000

const stop = new AbortController()
const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
  // A second Ctrl-C while closing ends at once.
  if (stop.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143)
  stop.abort(signal)
}
const onSigint = (): void => onSignal('SIGINT')
const onSigterm = (): void => onSignal('SIGTERM')
process.on('SIGINT', onSigint)
process.on('SIGTERM', onSigterm)
// `switchline tail … | head`: the reader went away; end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') stop.abort('EPIPE')
  else throw error
})

async function readStdin(): Promise<string> {
  // A stop while stdin is still open (Ctrl-C at a `--post @-` prompt) lets go of it, so nothing keeps the process.
  const release = (): void => void process.stdin.destroy()
  stop.signal.addEventListener('abort', release, { once: true })
  try {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  } finally {
    stop.signal.removeEventListener('abort', release)
  }
}

const code = await runCli(process.argv.slice(2), {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
  readFile: (path) => readFile(path, 'utf8'),
  readStdin,
  stop: stop.signal,
})
process.exitCode = code
process.off('SIGINT', onSigint)
process.off('SIGTERM', onSigterm)
setTimeout(() => {
  const open = process.getActiveResourcesInfo().filter((name) => name !== 'Timeout')
  process.stderr.write(
    `switchline: still open ${LINGER_MS} ms after the end (${open.join(', ') || 'unknown'}); exiting\n`,
  )
  process.exit(code)
}, LINGER_MS).unref()
