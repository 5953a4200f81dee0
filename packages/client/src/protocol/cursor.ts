/** Event ids / cursors: `<epoch>-<seq>` (docs/protocol.md §3). Pure functions, no I/O. */

/** A parsed event id. */
export interface EventId {
  readonly epoch: string
  readonly seq: number
}

const ID_RE = /^([a-z0-9]{1,16})-(0|[1-9][0-9]{0,15})$/

/** Parses an event id, or returns `undefined` if it is not of the form `<epoch>-<seq>` (R8). */
export function parseEventId(id: string): EventId | undefined {
  const match = ID_RE.exec(id)
  if (!match) return undefined
  const seq = Number(match[2])
  return Number.isSafeInteger(seq) ? { epoch: match[1] as string, seq } : undefined
}

/** Formats an event id. */
export function formatEventId(epoch: string, seq: number): string {
  if (!/^[a-z0-9]{1,16}$/.test(epoch) || !Number.isSafeInteger(seq) || seq < 0) {
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
