/**
 * The `sl-heartbeat` clock of a server's SSE streams (R13): one interval for all of them instead of one timer per
 * stream, running while at least one stream is open. Every stream gets a heartbeat every `intervalMs`; a stream's
 * first one comes at the next beat of the server's clock, within `intervalMs` of its start (never later).
 */
import type { TimerFunctions } from './types'

/** Something that beats. */
export interface Beating {
  beat(): void
}

/** The heartbeat clock. */
export interface Heartbeat {
  add(stream: Beating): void
  /** Removes a stream (idempotent); the interval stops with the last one. */
  delete(stream: Beating): void
}

export function createHeartbeat(
  timers: Pick<TimerFunctions, 'setInterval' | 'clearInterval'>,
  intervalMs: number,
): Heartbeat {
  const streams = new Set<Beating>()
  let timer: unknown
  // A stream ended by its own beat (a slow consumer) is deleted during the loop; a Set's iteration allows that.
  const beatAll = (): void => {
    for (const stream of streams) stream.beat()
  }
  return {
    add(stream) {
      streams.add(stream)
      if (timer === undefined) timer = timers.setInterval(beatAll, intervalMs)
    },
    delete(stream) {
      if (!streams.delete(stream) || streams.size > 0 || timer === undefined) return
      timers.clearInterval(timer)
      timer = undefined
    },
  }
}
