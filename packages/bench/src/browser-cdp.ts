/**
 * Chromium driven over a bare DevTools pipe (`--remote-debugging-pipe`): one page, `Runtime.evaluate`, nothing else.
 *
 * Why not Playwright's page: Playwright enables the DevTools `Network` domain on every page it attaches to, and
 * with it enabled Chromium reports each EventSource message (`Network.eventSourceMessageReceived`) and each
 * WebSocket frame (`Network.webSocketFrameReceived`), payload included, to the browser process and on over the
 * pipe to Playwright's Node process. On loopback that costs more per event than the page's own work and
 * stalls the streams for 50–450 ms at a time, so the in-browser rates measured the instrumentation, not the
 * receivers (64 B: ~25k ev/s with the domain on, ~100–250k without; same page, same servers). No domain is
 * enabled here.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

/** A launched Chromium with one page. */
export interface CdpBrowser {
  /** `Chromium <version>`. */
  version: string
  /** Evaluates `expression` in the page (awaiting a promise); throws on an exception. */
  evaluate<T>(expression: string): Promise<T>
  close(): Promise<void>
}

interface CdpReply {
  id?: number
  result?: Record<string, unknown>
  error?: { message: string }
}

/**
 * Launches `executablePath` headless with `args`, opens `url` in a new page and attaches to it.
 * @example
 * const browser = await launchCdpBrowser('/usr/bin/chromium', CHROMIUM_ARGS, 'http://127.0.0.1:8080/page/index.html')
 * const rate = await browser.evaluate<number>('benchRun(config)')
 * await browser.close()
 */
export async function launchCdpBrowser(
  executablePath: string,
  args: readonly string[],
  url: string,
): Promise<CdpBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'switchline-bench-chromium-'))
  const child = spawn(
    executablePath,
    [...args, '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    },
  )
  let gone = false
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve()) // not started (no such executable): the first call rejects
  }).then(() => {
    gone = true
  })
  const close = async (): Promise<void> => {
    if (!gone) child.kill('SIGTERM')
    await exited
    await rm(profile, { recursive: true, force: true })
  }
  try {
    const send = connectPipe(child)
    const { product } = (await send('Browser.getVersion')) as { product: string }
    const { targetId } = (await send('Target.createTarget', { url })) as { targetId: string }
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }
    const evaluate = async <T>(expression: string): Promise<T> => {
      const reply = (await send(
        'Runtime.evaluate',
        { expression, awaitPromise: true, returnByValue: true },
        sessionId,
      )) as {
        result: { value?: unknown }
        exceptionDetails?: { text: string; exception?: { description?: string } }
      }
      if (reply.exceptionDetails)
        throw new Error(reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text)
      return reply.result.value as T
    }
    return { version: `Chromium ${product.split('/')[1] ?? product}`, evaluate, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** CDP over the pipe (fd 3 in, fd 4 out; NUL-terminated JSON). Rejects every pending call if Chromium exits. */
function connectPipe(
  child: ChildProcess,
): (method: string, params?: object, sessionId?: string) => Promise<Record<string, unknown>> {
  const out = child.stdio[3] as Writable
  const input = child.stdio[4] as Readable
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>()
  let nextId = 1
  let buffered = ''
  input.setEncoding('utf8')
  input.on('data', (chunk: string) => {
    buffered += chunk
    let end: number
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end)) as CdpReply
      buffered = buffered.slice(end + 1)
      const call = message.id === undefined ? undefined : waiting.get(message.id)
      if (!call) continue // an event: none is enabled, but Target events may still arrive
      waiting.delete(message.id as number)
      if (message.error) call.reject(new Error(message.error.message))
      else call.resolve(message.result ?? {})
    }
  })
  const fail = (why: string): void => {
    for (const call of waiting.values()) call.reject(new Error(why))
    waiting.clear()
  }
  child.once('exit', (code, signal) => fail(`Chromium exited (${signal ?? code})`))
  child.once('error', (error) => fail(`Chromium did not start: ${error.message}`))
  out.on('error', () => {}) // a write after exit; the exit handler has rejected the call
  input.on('error', () => {})
  return (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = nextId++
      waiting.set(id, { resolve, reject })
      out.write(
        `${JSON.stringify(sessionId === undefined ? { id, method, params } : { id, method, params, sessionId })}\0`,
      )
    })
}
