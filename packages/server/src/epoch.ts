/** Epochs of event ids (docs/protocol.md §3). */

/** A random epoch: 8 base36 characters. */
export function randomEpoch(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, '0')
}

/** A random epoch other than `current`: the epoch of a log that replaces one that was lost. */
export function newEpochBesides(current: string | undefined): string {
  let epoch = randomEpoch()
  while (epoch === current) epoch = randomEpoch()
  return epoch
}
