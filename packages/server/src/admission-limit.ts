/**
 * `maxConnectionsPerSecond` (pure apart from the injected clock): new SSE streams and WebSocket upgrades are
 * counted in fixed one-second windows of the server clock, the first window starting at the first connection.
 * Over the limit, the answer is how long until the window ends — when a retry can be admitted.
 */

/** One second, the length of a window. */
const WINDOW_MS = 1000

/** The admission limit of a server. */
export interface AdmissionLimit {
  /** Takes a slot for one connection now: `undefined` when admitted, else the ms until the window ends (≥ 1). */
  take(): number | undefined
}

/** Creates a limit of `maxPerSecond` connections per window; `undefined` admits everything. */
export function createAdmissionLimit(maxPerSecond: number | undefined, now: () => number): AdmissionLimit {
  if (maxPerSecond === undefined) return { take: () => undefined }
  let windowStart = -Infinity
  let taken = 0
  return {
    take() {
      const t = now()
      if (t >= windowStart + WINDOW_MS || t < windowStart) {
        windowStart = t
        taken = 0
      }
      if (taken < maxPerSecond) {
        taken += 1
        return undefined
      }
      return Math.max(1, Math.ceil(windowStart + WINDOW_MS - t))
    },
  }
}
