/**
 * What the log still knows about channel instances it has forgotten (their events all aged out, so it dropped
 * their state to stay bounded): for each of a fixed number of buckets, the largest seq any forgotten instance
 * hashing there ever had. Fixed memory whatever the number of instances. Pure.
 *
 * A cursor older than the floor of its channel's bucket may have missed an event that is gone, so the log answers it
 * with a retention gap (R7): never silent loss. Sharing a bucket with another forgotten instance can only report a
 * gap that was not strictly needed, never hide one.
 */

/** Buckets of the sketch: 8 kB of floors. */
const BUCKETS = 1024

/** The floors of forgotten channel instances. */
export interface ForgottenSeqs {
  /** Records that `channel` was forgotten after events up to `lastSeq`. */
  forget(channel: string, lastSeq: number): void
  /** The largest seq `channel` may have had and lost: 0 when nothing hashing with it was ever forgotten. */
  floor(channel: string): number
}

/** FNV-1a over UTF-16 code units, folded to a bucket. */
function bucketOf(channel: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < channel.length; i++) hash = Math.imul(hash ^ channel.charCodeAt(i), 0x01000193)
  return (hash >>> 0) % BUCKETS
}

/** Creates an empty sketch; its buckets are allocated on the first `forget`. */
export function createForgottenSeqs(): ForgottenSeqs {
  let floors: Float64Array | undefined
  return {
    forget(channel, lastSeq) {
      floors ??= new Float64Array(BUCKETS)
      const bucket = bucketOf(channel)
      if ((floors[bucket] as number) < lastSeq) floors[bucket] = lastSeq
    },
    floor: (channel) => (floors ? (floors[bucketOf(channel)] as number) : 0),
  }
}
