/**
 * Reconnect delays: exponential growth with full jitter. Pure: the caller passes the attempt number and a
 * random source, so tests are deterministic and the supervisor owns all state.
 */
import { invalidOptions } from './errors'
import { clampDelay } from './timers'

/**
 * A backoff policy: `attempt` is 0 for the first retry; `random()` returns a number in [0, 1).
 * Returns a delay in ms. Must be pure.
 */
export type BackoffPolicy = (attempt: number, random: () => number) => number

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** The ceiling of the first retry's delay. @defaultValue 1500 */
  initialDelayMs?: number
  /** The ceiling never grows beyond this. @defaultValue 5000 */
  maxDelayMs?: number
  /** The ceiling is multiplied by this per attempt (≥ 1). @defaultValue 2 */
  factor?: number
  /** Every delay is at least this (≤ `maxDelayMs`). @defaultValue 0 */
  minDelayMs?: number
}

function check(name: string, value: number, min: number): void {
  if (!(Number.isFinite(value) && value >= min)) {
    throw invalidOptions(`exponentialBackoff: ${name} must be a finite number ≥ ${min}, got ${String(value)}`)
  }
}

/**
 * Exponential backoff with full jitter that survives the cap (AWS, "Exponential Backoff and Jitter"):
 *
 * `delay = minDelayMs + random() × (ceiling − minDelayMs)` where
 * `ceiling = max(minDelayMs, min(maxDelayMs, initialDelayMs × factor^attempt))`.
 *
 * Once the ceiling reaches `maxDelayMs` delays stay spread over `[minDelayMs, maxDelayMs)` instead of all
 * clients retrying at exactly `maxDelayMs` together. Huge, negative or `NaN` attempts never give `Infinity` or
 * `NaN`; a `random()` outside [0, 1] is clamped.
 *
 * @throws SwitchlineError `invalid_options` for a negative or non-finite option, `factor < 1`, or
 * `minDelayMs > maxDelayMs`.
 * @example
 * const backoff = exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 60_000 })
 * backoff(0, Math.random) // somewhere in [0, 1000)
 * backoff(10, Math.random) // somewhere in [0, 60000)
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): BackoffPolicy {
  const { initialDelayMs = 1500, maxDelayMs = 5000, factor = 2, minDelayMs = 0 } = options
  check('initialDelayMs', initialDelayMs, 0)
  check('maxDelayMs', maxDelayMs, 0)
  check('factor', factor, 1)
  check('minDelayMs', minDelayMs, 0)
  if (minDelayMs > maxDelayMs) {
    throw invalidOptions(`exponentialBackoff: minDelayMs (${minDelayMs}) must not exceed maxDelayMs (${maxDelayMs})`)
  }
  return jitteredBackoff(initialDelayMs, maxDelayMs, factor, minDelayMs)
}

/** {@link exponentialBackoff} of settings known to be good (the default's: no checks to bundle). */
function jitteredBackoff(
  initialDelayMs: number,
  maxDelayMs: number,
  factor: number,
  minDelayMs: number,
): BackoffPolicy {
  return (attempt, random) => {
    const n = attempt > 0 ? Math.floor(attempt) : 0
    // initialDelayMs × factor^n (possibly ∞, which maxDelayMs caps), computed so that 0 × ∞ and 1^∞ (both NaN)
    // cannot happen; then between minDelayMs and maxDelayMs.
    const ceiling = Math.max(
      minDelayMs,
      Math.min(maxDelayMs, initialDelayMs === 0 || factor === 1 ? initialDelayMs : initialDelayMs * factor ** n),
    )
    return minDelayMs + clampDelay(random(), 1) * (ceiling - minDelayMs)
  }
}

/**
 * The client's default policy: full jitter, 1.5 s doubling up to 5 s (no floor), so a lone client's first retry
 * comes after 0.75 s on average and never later than 1.5 s. Chosen with the reconnect-storm simulation, see
 * docs/decisions/0003-full-jitter-backoff.md.
 * @example
 * defaultBackoff(0, Math.random) // somewhere in [0, 1500)
 * defaultBackoff(3, Math.random) // somewhere in [0, 5000)
 */
export const defaultBackoff: BackoffPolicy = /* @__PURE__ */ jitteredBackoff(1500, 5000, 2, 0)

/**
 * The longest server hint honoured, in ms (60 s): a longer SSE `retry:`, `Retry-After` / `retry-after-ms` or close
 * 1013 `retry-after=` counts as 60 s, so an absurd hint cannot silence a client for days. A server that still
 * needs time answers the next attempt with another hint.
 */
export const MAX_RETRY_HINT_MS = 60_000

/**
 * The delay before the next reconnect: the backoff's draw, moved up by the server's hint and widened by it
 * (docs/decisions/0009-retry-hints-floor-the-jitter-range.md). With `hint` = `min(hintMs, MAX_RETRY_HINT_MS)` and
 * `r` the backoff's own random draw (its first `random()` call; a fresh one if it drew none):
 *
 * `delay = hint + backoff(attempt, random) + r × hint`
 *
 * For a full-jitter policy (`backoff = r × ceiling`) that is uniform over `[hint, 2 × hint + ceiling)`: the hint is
 * the floor of the jitter range, never a clamp after it, so clients told the same hint do not arrive together.
 * Without a hint it is the backoff's delay. A non-finite or negative backoff counts as 0. Rounded to whole ms.
 * @example
 * reconnectDelay(defaultBackoff, 0, Math.random) // [0, 1500)
 * reconnectDelay(defaultBackoff, 0, Math.random, 1000) // [1000, 3500): SSE `retry: 1000`
 */
export function reconnectDelay(backoff: BackoffPolicy, attempt: number, random: () => number, hintMs = 0): number {
  let draw: number | undefined
  const ms = backoff(attempt, () => {
    const value = random()
    draw ??= value
    return value
  })
  const hint = clampDelay(hintMs, MAX_RETRY_HINT_MS)
  // No hint: no extra draw.
  return Math.round(hint + (ms > 0 && ms < Infinity ? ms : 0) + (hint && hint * clampDelay(draw ?? random(), 1)))
}
