/**
 * Ways to cut a string into chunks, for feeding incremental parsers: every single split point, every pair of
 * split points, char by char, and seeded random chunkings.
 */
import { mulberry32, randomInt } from './prng'

/** `[text]`, then `[text.slice(0, i), text.slice(i)]` for every `i` in `0..text.length` (empty chunks included). */
export function* splitsAtEveryIndex(text: string): Generator<string[]> {
  for (let i = 0; i <= text.length; i++) yield [text.slice(0, i), text.slice(i)]
}

/** Every split into three chunks at `i ≤ j` (quadratic: keep `text` short). */
export function* splitsAtEveryPair(text: string): Generator<string[]> {
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j++) yield [text.slice(0, i), text.slice(i, j), text.slice(j)]
  }
}

/** One chunk per UTF-16 code unit (splits surrogate pairs too, as a network can). */
export function charByChar(text: string): string[] {
  return Array.from({ length: text.length }, (_, i) => text.charAt(i))
}

/** `count` random chunkings of `text` from a seeded PRNG; chunk sizes in `[0, maxChunk]`. */
export function* randomChunkings(text: string, seed: number, count: number, maxChunk = 8): Generator<string[]> {
  const random = mulberry32(seed)
  for (let n = 0; n < count; n++) {
    const chunks: string[] = []
    let at = 0
    while (at < text.length) {
      const size = randomInt(random, 0, maxChunk)
      chunks.push(text.slice(at, at + size))
      at += size
    }
    yield chunks
  }
}
