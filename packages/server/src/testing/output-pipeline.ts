/**
 * Per-connection ordered output under faults: writes are held while the connection is stalled and released
 * `delayMs` after they were made, always in the order they were made. `flush()` makes every held write due at
 * once (the delay was turned off), so nothing waits out a delay that no longer applies.
 */
import type { TimerFunctions } from '../options'

interface Pending {
  write: () => void
  dueAt: number
}

/** The output queue of one connection. */
export interface OutputPipeline {
  /** Queues one write (or runs it now when nothing is held and there is no delay). */
  push(write: () => void, delayMs: number): void
  /** Runs every write that is due and not stalled; schedules a wake-up for the next one. */
  pump(): void
  /** Makes every queued write due now and pumps: all of them are released in order unless stalled. */
  flush(): void
  /** Forgets queued writes and the wake-up timer. */
  clear(): void
  /** Writes held. */
  size(): number
}

/** Creates the pipeline of one connection; `stalled()` is asked on every pump. */
export function createOutputPipeline(
  stalled: () => boolean,
  now: () => number,
  timers: Pick<TimerFunctions, 'setTimeout' | 'clearTimeout'>,
): OutputPipeline {
  const queue: Pending[] = []
  let timer: unknown
  let lastDue = 0

  const pipeline: OutputPipeline = {
    push(write, delayMs) {
      if (queue.length === 0 && delayMs <= 0 && !stalled()) {
        write()
        return
      }
      lastDue = Math.max(lastDue, now() + delayMs)
      queue.push({ write, dueAt: lastDue })
      pipeline.pump()
    },
    pump() {
      if (timer !== undefined) {
        timers.clearTimeout(timer)
        timer = undefined
      }
      while (queue.length > 0 && !stalled()) {
        const head = queue[0] as Pending
        const wait = head.dueAt - now()
        if (wait > 0) {
          timer = timers.setTimeout(() => {
            timer = undefined
            pipeline.pump()
          }, wait)
          return
        }
        queue.shift()
        head.write()
      }
    },
    flush() {
      for (const pending of queue) pending.dueAt = -Infinity
      lastDue = 0
      pipeline.pump()
    },
    size: () => queue.length,
    clear() {
      queue.length = 0
      if (timer !== undefined) timers.clearTimeout(timer)
      timer = undefined
    },
  }
  return pipeline
}
