/**
 * One `switchline tail` run: starts the raw or channel tail, and settles with the exit code once — at a clean end,
 * a fatal error, or a stop signal — after closing every subscription (no socket, no timer left).
 */
import type { TailArgs } from './args'
import { tailChannels } from './tail-channels'
import { tailRaw } from './tail-raw'

/** Where a tail writes: stdout lines (events) and stderr lines (everything else). */
export interface TailIo {
  out(line: string): void
  err(line: string): void
}

/** Exit codes (documented in the usage text and the README). */
export const EXIT = { ok: 0, failed: 1, usage: 2, SIGINT: 130, SIGTERM: 143 } as const

/** What a tail calls to end the run: the exit code, and the stderr line that says why (if any). */
export type Finish = (code: number, line?: string) => void

/** What a started tail gives back: how to close everything it opened. Idempotent. */
export type Close = () => void

/**
 * Runs a tail until it ends. `stop` aborted with reason `'SIGINT'` or `'SIGTERM'` closes it and settles with 130
 * or 143; any other reason (stdout closed by its reader) settles with 0.
 * @param body - the `--post` body, already read
 * @throws SwitchlineError `invalid_options` (synchronously, from the client) for options it refuses
 */
export function runTail(args: TailArgs, body: string | undefined, io: TailIo, stop: AbortSignal): Promise<number> {
  return new Promise<number>((resolve) => {
    let settled = false
    let close: Close | undefined
    const finish: Finish = (code, line) => {
      if (settled) return
      settled = true
      if (line !== undefined) io.err(line)
      stop.removeEventListener('abort', onStop)
      close?.()
      resolve(code)
    }
    const onStop = (): void => {
      const reason: unknown = stop.reason
      if (reason === 'SIGINT' || reason === 'SIGTERM') finish(EXIT[reason], `${reason}: closing`)
      else finish(EXIT.ok)
    }
    // Once settled, the tail's own output stops: closing it reports states nobody asked about.
    const tailIo: TailIo = { out: (line) => settled || io.out(line), err: (line) => settled || io.err(line) }
    close = args.channels.length > 0 ? tailChannels(args, tailIo, finish) : tailRaw(args, body, tailIo, finish)
    if (settled)
      close() // it ended while starting (a subscription that closed at once)
    else if (stop.aborted) onStop()
    else stop.addEventListener('abort', onStop, { once: true })
  })
}
