/**
 * The reconnection loop: connect → open → lost → wait → connect, on injectable timers and random.
 *
 * States: `'connecting'` while an attempt is in flight, `'open'` once the owner reports it healthy,
 * `'reconnecting'` while waiting before the next attempt (the change carries `attempt` and `delayMs`; while offline
 * or hidden it carries `reason` and no delay), `'closed'` at the end. Each change is emitted once, as `{ from, to }`.
 */
import { messageOf, SwitchlineError } from './errors'
import type { Supervisor, SupervisorOptions } from './supervisor-types'
import { createTimerGroup } from './timers'
import type { AttemptContext, AttemptHandle } from './transports/types'
import type { ConnectionState, StateChange } from './types'

export type { Supervisor, SupervisorOptions } from './supervisor-types'

interface Attempt {
  readonly id: number
  handle: AttemptHandle | undefined
  opened: boolean
}

/**
 * Creates a supervisor (see `supervisor-types.ts`). Rules:
 * - the delay before retry `n` (1-based count of consecutive failures) is
 *   `max(backoff(n − 1, random), the server's minDelay hint, error.retryAfterMs)`, rounded to whole ms;
 * - an `unauthorized` failure is retried at once the first time (the owner asks its token provider again),
 *   then with backoff;
 * - a connection open for `resetAfterMs` resets the count; `maxAttempts` consecutive failures → `closed` with
 *   `max_attempts`; a fatal error, or any failure with `reconnect: false` → `closed` with that error;
 * - no attempt while offline, and an immediate one on `online`; with `pauseWhenHidden`, no attempt while the
 *   page is hidden and an immediate one when it shows;
 * - callbacks of an attempt that is no longer current are no-ops; `stop()` leaves no timer or listener.
 * @example
 * const supervisor = createSupervisor({
 *   connect: (ctx) => openSomething({ onOpen: ctx.opened, onLost: ctx.failed }),
 *   backoff: defaultBackoff, maxAttempts: Infinity, resetAfterMs: 5000, pauseWhenHidden: false,
 *   reconnect: true, platform: resolvePlatform(), onState: (change) => console.log(change.from, '→', change.to),
 * })
 * supervisor.start()
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { platform } = options
  const timers = createTimerGroup(platform.timers)
  let state: ConnectionState = 'connecting'
  let started = false
  let nextId = 0
  let current: Attempt | undefined
  let failures = 0
  let unauthorizedRetried = false
  let minDelayMs = 0
  let waiting = false
  let cancelWait: (() => void) | undefined
  let cancelReset: (() => void) | undefined
  const unsubscribers: Array<() => void> = []

  const setState = (to: ConnectionState, extra: Omit<StateChange, 'from' | 'to'> = {}): void => {
    if (to === state) return
    const from = state
    state = to
    options.onState({ from, to, ...extra })
  }

  const canAttempt = (): boolean =>
    platform.online.isOnline() && (!options.pauseWhenHidden || platform.visibility.isVisible())

  const dropCurrent = (): void => {
    const attempt = current
    current = undefined
    cancelReset?.()
    cancelReset = undefined
    if (attempt?.handle) closeQuietly(attempt.handle)
  }

  function attemptNow(reason?: string): void {
    if (state === 'closed') return
    cancelWait?.()
    cancelWait = undefined
    waiting = false
    if (!canAttempt()) {
      waitForPlatform()
      return
    }
    const attempt: Attempt = { id: ++nextId, handle: undefined, opened: false }
    current = attempt
    setState('connecting', reason === undefined ? {} : { reason })
    const ctx = contextFor(attempt)
    let result: AttemptHandle | Promise<AttemptHandle>
    try {
      result = options.connect(ctx)
    } catch (error) {
      ctx.failed(asError(error))
      return
    }
    Promise.resolve(result).then(
      (handle) => {
        if (current === attempt) attempt.handle = handle
        else closeQuietly(handle)
      },
      (error: unknown) => ctx.failed(asError(error)),
    )
  }

  function contextFor(attempt: Attempt): AttemptContext {
    const isCurrent = (): boolean => current === attempt && state !== 'closed'
    return {
      attempt: failures,
      opened() {
        if (!isCurrent() || attempt.opened) return
        attempt.opened = true
        unauthorizedRetried = false
        setState('open')
        cancelReset = timers.set(() => {
          cancelReset = undefined
          failures = 0
        }, options.resetAfterMs)
      },
      failed(error) {
        if (!isCurrent()) return
        dropCurrent()
        onFailure(error)
      },
      minDelay(ms) {
        if (isCurrent() && Number.isFinite(ms) && ms >= 0) minDelayMs = ms
      },
    }
  }

  function onFailure(error: SwitchlineError): void {
    if (error.fatal || !options.reconnect) {
      close(error.fatal ? 'fatal error' : 'reconnect disabled', error)
      return
    }
    failures += 1
    if (failures >= options.maxAttempts) {
      const exhausted = new SwitchlineError('max_attempts', `gave up after ${failures} attempts: ${error.message}`, {
        fatal: true,
        cause: error,
      })
      close('max attempts', exhausted)
      return
    }
    let delayMs: number
    if (error.code === 'unauthorized' && !unauthorizedRetried) {
      unauthorizedRetried = true
      delayMs = error.retryAfterMs ?? 0
    } else {
      const backoffMs = options.backoff(failures - 1, platform.random)
      delayMs = Math.round(Math.max(Number.isFinite(backoffMs) ? backoffMs : 0, minDelayMs, error.retryAfterMs ?? 0))
    }
    if (!canAttempt()) {
      waitForPlatform(error)
      return
    }
    waiting = true
    setState('reconnecting', { reason: error.message, error, attempt: failures, delayMs })
    cancelWait = timers.set(() => {
      cancelWait = undefined
      attemptNow()
    }, delayMs)
  }

  /** Offline (or hidden with `pauseWhenHidden`): no timer; the platform listeners call `attemptNow`. */
  function waitForPlatform(error?: SwitchlineError): void {
    waiting = true
    const reason = platform.online.isOnline() ? 'hidden' : 'offline'
    if (state === 'connecting' && current === undefined && failures === 0 && error === undefined) return
    setState('reconnecting', error === undefined ? { reason, attempt: failures } : { reason, error, attempt: failures })
  }

  function onPlatformChange(): void {
    if (state === 'closed') return
    if (!waiting) return
    if (canAttempt()) attemptNow(platform.online.isOnline() ? 'online' : 'visible')
    else if (cancelWait) {
      // Went offline/hidden during a backoff wait: wait for the platform instead of the timer.
      cancelWait()
      cancelWait = undefined
    }
  }

  function close(reason: string, error?: SwitchlineError): void {
    if (state === 'closed') return
    dropCurrent()
    timers.clearAll()
    cancelWait = undefined
    waiting = false
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
    setState('closed', error === undefined ? { reason } : { reason, error })
  }

  return {
    get state() {
      return state
    },
    start() {
      if (started || state === 'closed') return
      started = true
      unsubscribers.push(platform.online.subscribe(onPlatformChange))
      if (options.pauseWhenHidden) unsubscribers.push(platform.visibility.subscribe(onPlatformChange))
      attemptNow()
    },
    stop(reason = 'stopped') {
      close(reason)
    },
    restart(reason) {
      if (state === 'closed' || !started) return
      dropCurrent()
      attemptNow(reason)
    },
  }
}

function closeQuietly(handle: AttemptHandle): void {
  try {
    handle.close()
  } catch {
    // A failing close must not break the loop.
  }
}

function asError(error: unknown): SwitchlineError {
  if (error instanceof SwitchlineError) return error
  return new SwitchlineError('network', `connect failed: ${messageOf(error)}`, { cause: error })
}
