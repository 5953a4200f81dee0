/** Event ids / cursors: `<epoch>-<seq>` (docs/protocol.md §3). Pure functions, no I/O. */

/** A parsed event id. */
export interface EventId {
  readonly epoch: string
  readonly seq: number
}

/** Largest epoch length and seq digit count (R8). */
const MAX_PART = 16

/** Whether `c` (a char code) is `[a-z0-9]`. */
const isEpochChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57)

/**
 * Parses an event id, or returns `undefined` if it is not of the form `<epoch>-<seq>` (R8): `epoch` is 1–16 of
 * `[a-z0-9]`, `seq` 1–16 decimal digits without a leading zero (except `0` itself) and a safe integer.
 */
export function parseEventId(id: string): EventId | undefined {
  // A character loop, not a regular expression: this runs once per delivered event.
  const dash = id.indexOf('-')
  const digits = id.length - dash - 1
  if (dash < 1 || dash > MAX_PART || digits < 1 || digits > MAX_PART) return undefined
  for (let i = 0; i < dash; i++) if (!isEpochChar(id.charCodeAt(i))) return undefined
  if (digits > 1 && id.charCodeAt(dash + 1) === 48) return undefined
  let seq = 0
  for (let i = dash + 1; i < id.length; i++) {
    const d = id.charCodeAt(i) - 48
    if (d < 0 || d > 9) return undefined
    seq = seq * 10 + d
  }
  // Beyond 2^53 the running product may round; Number() of the digits is exact to the nearest double.
  if (digits > 15) seq = Number(id.slice(dash + 1))
  return Number.isSafeInteger(seq) ? { epoch: id.slice(0, dash), seq } : undefined
}

function isEpoch(epoch: string): boolean {
  if (epoch.length < 1 || epoch.length > MAX_PART) return false
  for (let i = 0; i < epoch.length; i++) if (!isEpochChar(epoch.charCodeAt(i))) return false
  return true
}

/** Formats an event id. */
export function formatEventId(epoch: string, seq: number): string {
  if (!isEpoch(epoch) || !Number.isSafeInteger(seq) || seq < 0) {
    throw new RangeError(`invalid event id parts: epoch ${JSON.stringify(epoch)}, seq ${seq}`)
  }
  return `${epoch}-${seq}`
}

/**
 * Compares two event ids of the same epoch (R5).
 * @returns a negative number if `a` is earlier, positive if later, 0 if equal, `undefined` if they cannot be
 * compared (different epochs or malformed).
 */
export function compareEventIds(a: string, b: string): number | undefined {
  const pa = parseEventId(a)
  const pb = parseEventId(b)
  if (!pa || !pb || pa.epoch !== pb.epoch) return undefined
  return pa.seq - pb.seq
}
