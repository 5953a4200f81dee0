/**
 * Deduplication of delivered events. Switchline ids are ordered within an epoch (docs/protocol.md R5), so a
 * per-channel high-water mark is enough. Raw mode deduplicates only when the app opts in (`dedupe`: ids of other
 * servers are a resume cursor, not keys): a window of recent ids, or a high-water mark for increasing ids.
 * Pure: no I/O, no timers.
 */
import { invalidOptions } from './errors'
import { parseEventId, type EventId } from '../protocol/cursor'

/** Per-channel high-water marks for Switchline event ids (`<epoch>-<seq>`, R5 in docs/protocol.md). */
export interface CursorTracker {
  /**
   * true if `id` is new for `channel` (and records it); false for a duplicate (seq ≤ high-water of the same
   * epoch). An id of a different epoch is accepted and resets that channel's mark (the server reports such
   * jumps with a gap). A malformed id is accepted if not in a window of recently seen raw ids (it is then
   * remembered there, but does not move the channel's mark).
   */
  accept(channel: string, id: string): boolean
  /** The channel's mark: its last accepted (or `set`) id — the cursor to resume it from. */
  get(channel: string): string | undefined
  /** Sets the channel's mark unconditionally (e.g. a cursor given by the app). */
  set(channel: string, id: string): void
  /** Forgets the channel's mark. */
  delete(channel: string): void
  /** the greatest accepted id of the current epoch across all channels (used as a stream-wide Last-Event-ID) */
  latest(): string | undefined
}

/** A channel's mark. Updated in place: accepting an event allocates nothing. */
interface Mark {
  raw: string
  /** `undefined` for a malformed id given to `set()`. */
  epoch: string | undefined
  seq: number
}

/** How many malformed ids a {@link CursorTracker} remembers to drop their duplicates. */
const MALFORMED_WINDOW = 1024

/**
 * The seq of `id` when it is `<epoch>-<seq>` for this (well-formed) `epoch`, else -1. The common case of
 * {@link CursorTracker.accept}: the same epoch as the channel's mark, checked without `parseEventId`'s object.
 */
function seqInEpoch(id: string, epoch: string): number {
  const start = epoch.length + 1
  const digits = id.length - start
  if (digits < 1 || digits > 15 || id.charCodeAt(epoch.length) !== 45 || !id.startsWith(epoch)) return -1
  if (digits > 1 && id.charCodeAt(start) === 48) return -1
  let seq = 0
  for (let i = start; i < id.length; i++) {
    const d = id.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    seq = seq * 10 + d
  }
  return seq
}

/**
 * Creates a {@link CursorTracker}. The "current epoch" is the epoch of the last well-formed id accepted or set.
 * @example
 * const cursors = createCursorTracker()
 * cursors.accept('ticker', 'k3f9a-10') // true
 * cursors.accept('ticker', 'k3f9a-10') // false: a replayed duplicate
 * cursors.get('ticker') // 'k3f9a-10'
 */
export function createCursorTracker(): CursorTracker {
  return new Marks()
}

/** The tracker as a class (V8 memory notes §1: docs/decisions/0021-v8-memory-notes.md). */
class Marks implements CursorTracker {
  readonly #marks = new Map<string, Mark>()
  /** The malformed ids' window (its `add`): only a server sending malformed ids needs it. */
  #malformed: ((id: string) => boolean) | undefined
  #currentEpoch: string | undefined

  #record(channel: string, raw: string, parsed: EventId | undefined): void {
    const mark = this.#marks.get(channel)
    // The current epoch's own string when equal: channels of one server share one epoch, not a copy each (~24 B).
    const epoch = parsed?.epoch === this.#currentEpoch ? this.#currentEpoch : parsed?.epoch
    const seq = parsed?.seq ?? 0
    if (mark) {
      mark.raw = raw
      mark.epoch = epoch
      mark.seq = seq
    } else this.#marks.set(channel, { raw, epoch, seq })
    if (epoch !== undefined) this.#currentEpoch = epoch
  }

  accept(channel: string, id: string): boolean {
    const mark = this.#marks.get(channel)
    if (mark?.epoch !== undefined) {
      const seq = seqInEpoch(id, mark.epoch)
      if (seq >= 0) {
        if (seq <= mark.seq) return false
        mark.raw = id
        mark.seq = seq
        this.#currentEpoch = mark.epoch
        return true
      }
    }
    const parsed = parseEventId(id)
    if (!parsed) {
      // channel and id cannot collide: a newline is not allowed in a channel identifier
      const key = `${channel}\n${id}`
      return (this.#malformed ??= openIdWindow(MALFORMED_WINDOW)[1])(key)
    }
    if (mark && mark.epoch === parsed.epoch && parsed.seq <= mark.seq) return false
    this.#record(channel, id, parsed)
    return true
  }
  get(channel: string): string | undefined {
    return this.#marks.get(channel)?.raw
  }
  set(channel: string, id: string): void {
    this.#record(channel, id, parseEventId(id))
  }
  delete(channel: string): void {
    this.#marks.delete(channel)
  }
  latest(): string | undefined {
    let best: Mark | undefined
    for (const mark of this.#marks.values()) {
      if (mark.epoch === undefined || mark.epoch !== this.#currentEpoch) continue
      if (!best || mark.seq > best.seq) best = mark
    }
    return best?.raw
  }
}

/** Dedupe for opaque ids (raw mode, third-party servers): remembers the last `size` ids. */
export interface IdWindow {
  /** Whether `id` is among the remembered ids. */
  has(id: string): boolean
  /**
   * Remembers `id`, forgetting the oldest one when full, and returns `true`; adding a remembered id changes nothing
   * and returns `false`.
   */
  add(id: string): boolean
  /** Forgets every id. */
  clear(): void
}

/**
 * Creates an {@link IdWindow} remembering the last `size` distinct ids (first in, first out).
 * @param size - @defaultValue 1024
 * @throws SwitchlineError `invalid_options` unless `size` is a positive integer.
 * @example
 * const seen = createIdWindow(100)
 * if (!seen.has(event.id)) { seen.add(event.id); deliver(event) }
 */
export function createIdWindow(size = 1024): IdWindow {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw invalidOptions(`IdWindow size must be a positive integer, got ${String(size)}`)
  }
  let [ids, add] = openIdWindow(size)
  return {
    has: (id) => ids.has(id),
    add: (id) => add(id),
    clear() {
      ;[ids, add] = openIdWindow(size)
    },
  }
}

/**
 * The lookup and the `add` of a window of a size known to be good (the SDK's own windows, which use only `add`: no
 * check, `has` or `clear` to bundle).
 */
function openIdWindow(size: number): [ids: Set<string>, add: (id: string) => boolean] {
  const ids = new Set<string>()
  // a ring of the ids in insertion order; `ids` is the lookup
  const ring: string[] = []
  let oldest = 0
  return [
    ids,
    (id) => {
      if (ids.has(id)) return false
      if (ids.size < size) ring.push(id)
      else {
        ids.delete(ring[oldest] as string)
        ring[oldest] = id
        oldest = (oldest + 1) % size
      }
      ids.add(id)
      return true
    },
  ]
}

/** An id `'ordered'` can compare: decimal (up to 15 digits, exact), or `<epoch>-<seq>` (R5; any 1–16 digit seq). */
const ORDERED_ID = /^(?:([a-z0-9]{1,16})-)?(\d{1,15})$/

/**
 * The opt-in dedupe of raw SSE (`dedupe`): returns whether an event id is new, recording it. `false` gives
 * `undefined` (every id is new: ids are a cursor). `'unique'`: an id among the last 1024 seen is a duplicate.
 * `'ordered'`: decimal ids compare as numbers and Switchline ids `<epoch>-<seq>` by seq within their epoch (R5);
 * an id not greater than the mark is a duplicate; an id that cannot be compared with the mark becomes the mark.
 * @example
 * const isNew = createRawIdFilter('ordered')
 * isNew?.('7') // true
 * isNew?.('7') // false
 * isNew?.('k3-1') // true: another shape, now the mark
 */
export function createRawIdFilter(
  mode: false | 'unique' | 'ordered' | undefined,
): ((id: string) => boolean) | undefined {
  if (!mode) return undefined
  if (mode === 'unique') {
    return openIdWindow(1024)[1]
  }
  let epoch: string | undefined // the mark's epoch; `''` for a decimal mark; `undefined` without one
  let seq = 0
  return (id) => {
    const match = ORDERED_ID.exec(id)
    const idEpoch = match ? (match[1] ?? '') : undefined
    const idSeq = match ? Number(match[2]) : 0
    if (idEpoch !== undefined && idEpoch === epoch && idSeq <= seq) return false
    epoch = idEpoch
    seq = idSeq
    return true
  }
}
