/**
 * The reconnection loop: connect → open → lost → wait → connect, on injectable timers and random.
 *
 * States: `'connecting'` while an attempt is in flight, `'open'` once the owner reports it healthy,
 * `'reconnecting'` while waiting before the next attempt (the change carries `attempt` and `delayMs`; while offline
 * or hidden it carries `reason` and no delay), `'closed'` at the end. Each change is emitted once, as `{ from, to }`.
 */
import { defaultBackoff, MAX_RETRY_HINT_MS, reconnectDelay } from './backoff'
import { messageOf, SwitchlineError } from './errors'
import type { Supervisor, SupervisorOptions } from './supervisor-types'
import { clampDelay, type TimerHandle } from './timers'
import type { AttemptContext, AttemptHandle } from './transport-types'
import type { ConnectionState, ReconnectOptions, StateChange } from '../types'

export type { Supervisor, SupervisorOptions } from './supervisor-types'

/**
 * The supervisor settings of an app's `reconnect` option (`false`: one attempt, no reconnects), with the SDK's
 * defaults; shared by `subscribe()` and `createClient()`.
 * @example
 * createSupervisor({ connect, ...supervisorSettings(options.reconnect), platform, onState })
 */
export function supervisorSettings(
  option: ReconnectOptions | false | undefined,
): Omit<SupervisorOptions, 'connect' | 'platform' | 'onState'> {
  const reconnect = option || {}
  return {
    backoff: reconnect.backoff ?? defaultBackoff,
    maxAttempts: reconnect.maxAttempts ?? Infinity,
    resetAfterMs: reconnect.resetAfterMs ?? 5_000,
    pauseWhenHidden: reconnect.pauseWhenHidden ?? false,
    reconnect: option !== false,
  }
}

/**
 * Creates a supervisor (see `supervisor-types.ts`). Rules:
 * - the delay before retry `n` (1-based count of consecutive failures) is `reconnectDelay(backoff, n − 1, random,
 *   hint)` (backoff.ts): the hint — the larger of the server's minDelay (`retry:`) and `error.retryAfterMs`, at most
 *   `MAX_RETRY_HINT_MS` — is the floor of the jitter range, which it also widens; the error and the
 *   `reconnecting` change carry `attempt` and the delay actually used (`nextDelayMs` / `delayMs`);
 * - an `unauthorized` failure is retried at once the first time (the owner asks its token provider again),
 *   then with backoff;
 * - a connection open for `resetAfterMs` resets the count; `maxAttempts` consecutive failures → `closed` with
 *   `max_attempts`; a fatal error, or any failure with `reconnect: false` → `closed` with that error;
 * - no attempt while offline, and an immediate one on `online`; with `pauseWhenHidden`, no attempt while the
 *   page is hidden and an immediate one when it shows;
 * - callbacks of an attempt that is no longer current are no-ops; `stop()` leaves no timer or listener.
 * @example
 * const supervisor = createSupervisor({
 *   connect: (ctx) => openSomething({ onOpen: () => ctx.opened(), onLost: (error) => ctx.failed(error) }),
 *   backoff: defaultBackoff, maxAttempts: Infinity, resetAfterMs: 5000, pauseWhenHidden: false,
 *   reconnect: true, platform: resolvePlatform(), onState: (change) => console.log(change.from, '→', change.to),
 * })
 * supervisor.start()
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  return new ReconnectLoop(options)
}

/**
 * One attempt, and the {@link AttemptContext} its owner reports through. Its methods live on the prototype (V8
 * memory notes §1: docs/decisions/0021-v8-memory-notes.md): call them as `ctx.opened()`, not detached.
 */
class Attempt implements AttemptContext {
  readonly attempt: number
  handle: AttemptHandle | undefined
  readonly #loop: ReconnectLoop

  constructor(loop: ReconnectLoop, failures: number) {
    this.#loop = loop
    this.attempt = failures
  }

  opened(): void {
    if (this.#loop.isCurrent(this)) this.#loop.onOpened()
  }
  failed(error: SwitchlineError): void {
    if (this.#loop.isCurrent(this)) this.#loop.onFailed(error)
  }
  /** `ms` is an SSE `retry:`, which the parser gives only as a safe integer of ASCII digits. */
  minDelay(ms: number): void {
    if (this.#loop.isCurrent(this)) this.#loop.minDelayMs = ms
  }
}

/**
 * The supervisor as a class with one timer handle, the backoff wait or the reset-after-healthy countdown (never
 * both at once: the countdown runs while an attempt is open, the wait while there is none), V8 memory notes §1
 * (docs/decisions/0021-v8-memory-notes.md). Waiting (for the timer or the platform) is having no current attempt;
 * started is holding the platform listeners.
 */
class ReconnectLoop implements Supervisor {
  #state: ConnectionState = 'connecting'
  #current: Attempt | undefined
  #failures = 0
  #unauthorizedRetried = false
  minDelayMs = 0
  #timer: TimerHandle | undefined
  #unsubscribers: Array<() => void> | undefined
  readonly #options: SupervisorOptions

  constructor(options: SupervisorOptions) {
    this.#options = options
  }

  get state(): ConnectionState {
    return this.#state
  }

  start(): void {
    if (this.#unsubscribers || this.#state === 'closed') return
    const { platform, pauseWhenHidden } = this.#options
    const onChange = (): void => this.#onPlatformChange()
    this.#unsubscribers = [platform.online.subscribe(onChange)]
    if (pauseWhenHidden) this.#unsubscribers.push(platform.visibility.subscribe(onChange))
    this.#attemptNow()
  }

  /** Also how the loop itself ends: with the error that ended it. */
  stop(reason = 'stopped', error?: SwitchlineError): void {
    if (this.#state === 'closed') return
    this.#dropCurrent()
    const unsubscribers = this.#unsubscribers
    this.#unsubscribers = undefined
    if (unsubscribers) for (const unsubscribe of unsubscribers) unsubscribe()
    this.#setState('closed', error ? { reason, error } : { reason })
  }

  restart(reason: string): void {
    if (!this.#unsubscribers) return
    this.#dropCurrent()
    this.#attemptNow(reason)
  }

  /** (There is no current attempt once closed.) */
  isCurrent(attempt: Attempt): boolean {
    return this.#current === attempt
  }

  onOpened(): void {
    // The current attempt is open exactly while the state is `open`.
    if (this.#state === 'open') return
    this.#unauthorizedRetried = false
    this.#setState('open')
    // onState may have stopped the loop (an app that closes when it opens): no countdown for a closed loop.
    if ((this.#state as ConnectionState) !== 'open') return
    this.#timer = this.#options.platform.timers.setTimeout(() => {
      this.#timer = undefined
      this.#failures = 0
    }, clampDelay(this.#options.resetAfterMs))
  }

  #setState(to: ConnectionState, extra?: Omit<StateChange, 'from' | 'to'> | false): void {
    const from = this.#state
    if (to === from) return
    this.#state = to
    this.#options.onState({ from, to, ...extra })
  }

  #canAttempt(): boolean {
    const { platform, pauseWhenHidden } = this.#options
    return platform.online.isOnline() && (!pauseWhenHidden || platform.visibility.isVisible())
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return
    this.#options.platform.timers.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #dropCurrent(): void {
    const attempt = this.#current
    this.#current = undefined
    this.#clearTimer()
    if (attempt?.handle) closeQuietly(attempt.handle)
  }

  #attemptNow(reason?: string): void {
    if (this.#state === 'closed') return
    this.#clearTimer()
    if (!this.#canAttempt()) {
      this.#waitForPlatform()
      return
    }
    const attempt = new Attempt(this, this.#failures)
    this.#current = attempt
    this.#setState('connecting', reason !== undefined && { reason })
    let result: AttemptHandle | Promise<AttemptHandle>
    try {
      result = this.#options.connect(attempt)
    } catch (error) {
      attempt.failed(asError(error))
      return
    }
    Promise.resolve(result).then(
      (handle) => {
        if (this.#current === attempt) attempt.handle = handle
        else closeQuietly(handle)
      },
      (error: unknown) => attempt.failed(asError(error)),
    )
  }

  onFailed(error: SwitchlineError): void {
    this.#dropCurrent()
    const options = this.#options
    if (error.fatal || !options.reconnect) {
      this.stop(error.fatal ? 'fatal error' : 'reconnect disabled', error)
      return
    }
    const failures = ++this.#failures
    if (failures >= options.maxAttempts) {
      const exhausted = new SwitchlineError('max_attempts', `gave up after ${failures} attempts: ${error.message}`, {
        fatal: true,
        cause: error,
      })
      this.stop('max attempts', exhausted)
      return
    }
    const hintMs = Math.max(this.minDelayMs, error.retryAfterMs ?? 0)
    let delayMs: number
    if (error.code === 'unauthorized' && !this.#unauthorizedRetried) {
      this.#unauthorizedRetried = true
      delayMs = Math.min(hintMs, MAX_RETRY_HINT_MS)
    } else {
      delayMs = clampDelay(reconnectDelay(options.backoff, failures - 1, options.platform.random, hintMs))
    }
    // The error was made for this one failure: it is annotated in place with its place in the loop, `attempt`
    // (as in `onState`) and `nextDelayMs` (the delay actually used; absent while waiting for `online` / visibility).
    const annotated = error as { -readonly [K in 'attempt' | 'nextDelayMs']?: number }
    annotated.attempt = failures
    if (!this.#canAttempt()) {
      delete annotated.nextDelayMs
      this.#waitForPlatform(error)
      return
    }
    annotated.nextDelayMs = delayMs
    this.#setState('reconnecting', { reason: error.message, error, attempt: failures, delayMs })
    this.#timer = options.platform.timers.setTimeout(() => {
      this.#timer = undefined
      this.#attemptNow()
    }, delayMs)
  }

  /** Offline (or hidden with `pauseWhenHidden`): no timer; the platform listeners call `attemptNow`. */
  #waitForPlatform(error?: SwitchlineError): void {
    const reason = this.#options.platform.online.isOnline() ? 'hidden' : 'offline'
    const attempt = this.#failures
    if (error) this.#setState('reconnecting', { reason, error, attempt })
    else if (this.#state !== 'connecting' || attempt > 0) this.#setState('reconnecting', { reason, attempt })
  }

  #onPlatformChange(): void {
    // (Once closed: no timer to clear, and #attemptNow does nothing.)
    if (this.#current) return
    if (this.#canAttempt()) this.#attemptNow(this.#options.platform.online.isOnline() ? 'online' : 'visible')
    // Went offline/hidden during a backoff wait: wait for the platform instead of the timer.
    else this.#clearTimer()
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
