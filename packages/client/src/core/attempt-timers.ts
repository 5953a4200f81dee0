/**
 * The timers of one connection attempt, set up and torn down in one place: the connect timer (from the start of
 * the attempt until the server's first protocol message), then what proves the connection alive — a stall
 * watchdog (SSE: events) or an application-level pinger (WebSocket: pongs). `stop()` clears all of them.
 */
import { createWatchdog, DEFAULT_CONNECT_TIMEOUT_MS, type Pinger, type Watchdog } from './liveness'
import type { Timers } from './timers'

/**
 * One attempt's timers as a class (V8 memory notes §1: docs/decisions/0021-v8-memory-notes.md): one object per
 * attempt holds the connect timer, the watchdog and the pinger, each created only when needed.
 * @example
 * const timers = new AttemptTimers(platform.timers, options.connectTimeoutMs, (ms) => fail(`not open within ${ms} ms`))
 * // open: timers.connected(); timers.watch(45_000, () => fail('stalled'))
 * // every event: timers.kick(); WebSocket: timers.ping(createPinger(…)), timers.pong(); the end: timers.stop()
 */
export class AttemptTimers {
  readonly #timers: Timers
  #connect: Watchdog | undefined
  #watchdog: Watchdog | undefined
  #pinger: Pinger | undefined

  /**
   * Starts the connect timer: `onConnectTimeout(ms)` once, unless {@link connected} or {@link stop} comes first
   * within `connectTimeoutMs` (`0` or less: no connect timer).
   * @param connectTimeoutMs - @defaultValue `DEFAULT_CONNECT_TIMEOUT_MS` (10 s)
   */
  constructor(
    timers: Timers,
    connectTimeoutMs: number | undefined,
    onConnectTimeout: (connectTimeoutMs: number) => void,
  ) {
    this.#timers = timers
    const ms = connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    this.#connect = createWatchdog(timers, ms, () => {
      this.#connect = undefined
      onConnectTimeout(ms)
    })
  }

  /** Whether the connect timer still runs (neither connected, fired nor stopped). */
  get connecting(): boolean {
    return this.#connect !== undefined
  }

  /** Whether {@link ping} was given a pinger (it stays `true` after the pinger stopped). */
  get pinging(): boolean {
    return this.#pinger !== undefined
  }

  /** The attempt reached the server's first protocol message: the connect timer stops. Idempotent. */
  connected(): void {
    this.#connect?.stop()
    this.#connect = undefined
  }

  /**
   * (Re)starts the stall watchdog: `onStall()` once when {@link kick} is not called for `timeoutMs` (`0`: none).
   * It may run beside the connect timer.
   */
  watch(timeoutMs: number, onStall: () => void): void {
    this.#watchdog?.stop()
    this.#watchdog = createWatchdog(this.#timers, timeoutMs, onStall)
  }

  /** Proof of life for the watchdog. */
  kick(): void {
    this.#watchdog?.kick()
  }

  /**
   * Holds the attempt's pinger (made by `createPinger`, so a bundle without WebSocket has none): {@link pong}
   * answers it, {@link stop} stops it. A pinger already held stays; a second one is stopped.
   * @example
   * timers.ping(createPinger({ timers: platform.timers, intervalMs, timeoutMs, sendPing, onTimeout }))
   */
  ping(pinger: Pinger): void {
    if (this.#pinger) pinger.stop()
    else this.#pinger = pinger
  }

  /** The answer to the pinger's ping arrived. */
  pong(): void {
    this.#pinger?.pong()
  }

  /** Clears every timer of the attempt. Idempotent. */
  stop(): void {
    this.connected()
    this.#watchdog?.stop()
    this.#pinger?.stop()
  }
}
