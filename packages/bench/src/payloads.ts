/** Benchmark payloads: JSON objects whose serialized form is (about) the requested size. */

/** The object every stream carries: a sequence number and padding. `seq: -1` marks a probe. */
export interface BenchMessage {
  seq: number
  pad: string
}

/** Payload sizes measured, in bytes of serialized JSON. */
export const PAYLOAD_SIZES = [64, 1024] as const

/** Padding so that `{"seq":123456,"pad":"…"}` serializes to exactly `size` bytes (for 6-digit sequence numbers). */
export function padFor(size: number): string {
  const overhead = JSON.stringify({ seq: 123456, pad: '' }).length
  return 'x'.repeat(Math.max(0, size - overhead))
}

/** The message object with sequence number `seq`. */
export function message(seq: number, pad: string): BenchMessage {
  return { seq, pad }
}

/** The serialized message, built by concatenation (no JSON.stringify on the hot path of raw servers). */
export function messageText(seq: number, pad: string): string {
  return `{"seq":${seq},"pad":"${pad}"}`
}

/** The probe sent until a receiver says it is ready (so subscribe/handshake time is never measured). */
export const PROBE_TEXT = '{"seq":-1,"pad":""}'
