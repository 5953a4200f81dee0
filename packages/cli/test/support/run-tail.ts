/**
 * Runs the built bin (`node dist/cli.js …`) as a child process and reads its stdout and stderr line by line.
 * Every wait is event-driven with a deadline; children still running after a test are killed (SIGKILL, by pid).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'

export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js')

/** How long a wait may take on a loaded machine before the test fails with what the child printed. */
export const DEADLINE_MS = 15_000

/** A running `switchline` child. */
export interface Tail {
  readonly child: ChildProcess
  /** Complete stdout lines so far. */
  readonly stdout: string[]
  /** Complete stderr lines so far. */
  readonly stderr: string[]
  /** Resolves with the stdout lines once `done(lines)` holds. */
  untilStdout(done: (lines: string[]) => boolean, what: string): Promise<string[]>
  /** Resolves with the stderr lines once `done(lines)` holds. */
  untilStderr(done: (lines: string[]) => boolean, what: string): Promise<string[]>
  /** Resolves with the exit code (a signal death is a failure). */
  exit(): Promise<number>
}

const running = new Set<ChildProcess>()

afterEach(async () => {
  for (const child of running) {
    const gone = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await gone
  }
  running.clear()
})

/**
 * Starts `switchline <args>`. `stdin` is written and closed (for `--post @-`); otherwise stdin is empty.
 * @example
 * const tail = runTail(['tail', url, '--json'])
 * await tail.untilStdout((lines) => lines.length >= 3, 'three events')
 */
export function runTail(args: string[], options: { stdin?: string } = {}): Tail {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  running.add(child)
  const stdout: string[] = []
  const stderr: string[] = []
  const watchers = new Set<() => void>()
  const notify = (): void => {
    for (const watcher of [...watchers]) watcher()
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  })
  // 'close' comes after both pipes ended: every line has been read.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  let outClosed = false
  void closed.then(() => {
    outClosed = true
    notify()
  })
  for (const [stream, lines] of [
    [child.stdout, stdout],
    [child.stderr, stderr],
  ] as const) {
    let partial = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n')
      partial = parts.pop() ?? ''
      lines.push(...parts)
      notify()
    })
  }
  child.stdin.end(options.stdin ?? '')

  const dump = (): string => `\n--- stdout:\n${stdout.join('\n')}\n--- stderr:\n${stderr.join('\n')}`
  function until(lines: string[], done: (lines: string[]) => boolean, what: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done(lines)) {
          settle()
          resolve(lines)
        } else if (outClosed) {
          settle()
          reject(new Error(`the child exited before ${what}${dump()}`))
        }
      }
      const timer = setTimeout(() => {
        settle()
        reject(new Error(`timed out after ${DEADLINE_MS} ms waiting for ${what}${dump()}`))
      }, DEADLINE_MS)
      const settle = (): void => {
        clearTimeout(timer)
        watchers.delete(check)
      }
      watchers.add(check)
      check()
    })
  }

  return {
    child,
    stdout,
    stderr,
    untilStdout: (done, what) => until(stdout, done, what),
    untilStderr: (done, what) => until(stderr, done, what),
    async exit() {
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the child did not exit within ${DEADLINE_MS} ms${dump()}`)),
          DEADLINE_MS,
        )
      })
      try {
        const { code, signal } = await Promise.race([exited, deadline])
        await closed
        if (code === null) throw new Error(`the child died of ${signal}${dump()}`)
        return code
      } finally {
        clearTimeout(timer)
      }
    },
  }
}

/** The `id`s of `--json` stdout lines. */
export function ids(lines: string[]): (string | null)[] {
  return lines.map((line) => (JSON.parse(line) as { id: string | null }).id)
}

/** Polls `condition` (on the in-process server) every 5 ms until it holds; fails after {@link DEADLINE_MS}. */
export async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${DEADLINE_MS} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
