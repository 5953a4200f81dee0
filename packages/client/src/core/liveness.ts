/**
 * Liveness timers on injectable {@link Timers}: a stall watchdog (SSE: no event — raw mode: no byte — for too long)
 * and an application-level pinger (WebSocket: no pong in time). No I/O; the owner sends pings and drops sockets.
 */
import { clampDelay, type TimerHandle, type Timers } from './timers'

/**
 * Default `connectTimeoutMs`: how long one connection attempt may take before it fails with a retryable `timeout`:
 * `createClient`'s SSE stream until `sl-ready`, a raw SSE stream until its response headers (in Node: until the
 * request is sent), a WebSocket until `welcome` (`createClient`) or `open` (raw).
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000

/** Default `ping.intervalMs` on WebSocket: how often an application-level ping is sent. */
export const DEFAULT_PING_INTERVAL_MS = 15_000
/** Default `ping.timeoutMs` on WebSocket: how long a pong may take before the connection counts as stalled. */
export const DEFAULT_PING_TIMEOUT_MS = 10_000

/** A stall detector; see {@link createWatchdog}. */
export interface Watchdog {
  /** Proof of life: restarts the countdown. No-op after `stop()` or after it fired. */
  kick(): void
  /** Stops for good; clears its timer. Idempotent. */
  stop(): void
}

/**
 * Calls `onTimeout` once when `kick()` has not been called for `timeoutMs`. The countdown starts at creation.
 * `timeoutMs <= 0` (or not finite) disables it: a watchdog that never fires and holds no timer.
 * @example
 * const watchdog = createWatchdog(platform.timers, 45_000, () => attempt.fail('stalled'))
 * stream.onActivity = () => watchdog.kick()
 */
export function createWatchdog(timers: Timers, timeoutMs: number, onTimeout: () => void): Watchdog {
  if (!(timeoutMs > 0 && timeoutMs < Infinity)) return { kick() {}, stop() {} }
  // kick() only records the time (it runs once per event); the one timer checks the elapsed time when it fires
  // and re-arms itself for the remainder.
  let handle: TimerHandle | undefined
  let kicked = false
  let lastKick = 0
  const check = (): void => {
    const remaining = kicked ? timeoutMs - (timers.now() - lastKick) : 0
    kicked = false
    if (remaining > 0) {
      handle = timers.setTimeout(check, clampDelay(remaining))
      return
    }
    handle = undefined
    onTimeout()
  }
  handle = timers.setTimeout(check, clampDelay(timeoutMs))
  return {
    // After stop() or the timeout nothing reads these.
    kick() {
      kicked = true
      lastKick = timers.now()
    },
    stop() {
      if (handle === undefined) return
      timers.clearTimeout(handle)
      handle = undefined
    },
  }
}

/** Options of {@link createPinger}. */
export interface PingerOptions {
  timers: Timers
  /** Time between pings. */
  intervalMs: number
  /** How long to wait for `pong()` after a ping before calling `onTimeout`. */
  timeoutMs: number
  /** Sends one ping. A throw is swallowed: the pong timeout decides. */
  sendPing(): void
  /** No pong in time: the connection is dead. Called once; the pinger is stopped by then. */
  onTimeout(): void
}

/** A running pinger; see {@link createPinger}. */
export interface Pinger {
  /** The answer to the outstanding ping arrived (extra pongs are harmless). */
  pong(): void
  /** Stops for good; clears its timers. Idempotent. */
  stop(): void
}

/**
 * Sends a ping every `intervalMs` (the first one `intervalMs` after creation) and expects `pong()` within
 * `timeoutMs` of each. While a ping is unanswered no further ping is sent; its timeout runs on.
 * @example
 * const pinger = createPinger({
 *   timers: platform.timers, intervalMs: 15_000, timeoutMs: 10_000,
 *   sendPing: () => socket.send('ping'),
 *   onTimeout: () => socket.terminate('ping timeout'),
 * })
 * // on every pong: pinger.pong(); on close: pinger.stop()
 */
export function createPinger(options: PingerOptions): Pinger {
  const { timers, intervalMs, timeoutMs, sendPing, onTimeout } = options
  let stopped = false
  let pingTimer: TimerHandle | undefined
  let pongTimer: TimerHandle | undefined

  const stop = (): void => {
    stopped = true
    if (pingTimer !== undefined) timers.clearTimeout(pingTimer)
    if (pongTimer !== undefined) timers.clearTimeout(pongTimer)
    pingTimer = pongTimer = undefined
  }
  const ping = (): void => {
    pingTimer = undefined
    if (stopped) return
    if (pongTimer === undefined) {
      // stop() clears the fired handle too (harmless) and forgets it.
      pongTimer = timers.setTimeout(() => {
        stop()
        onTimeout()
      }, clampDelay(timeoutMs))
      try {
        sendPing()
      } catch {
        // The timeout decides whether the connection is dead.
      }
    }
    if (!stopped) pingTimer = timers.setTimeout(ping, clampDelay(intervalMs))
  }

  pingTimer = timers.setTimeout(ping, clampDelay(intervalMs))
  return {
    pong() {
      if (pongTimer !== undefined) timers.clearTimeout(pongTimer)
      pongTimer = undefined
    },
    stop,
  }
}
