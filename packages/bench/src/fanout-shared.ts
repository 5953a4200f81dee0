/** What the fan-out benchmark's server child and its subscribers share: contenders, the event, its timestamp. */

export type FanoutContenderId = 'ws' | 'sse' | 'sio' | 'sl-ws' | 'sl-sse' | 'sl-ws-redis' | 'sl-sse-redis'

export interface FanoutContender {
  id: FanoutContenderId
  label: string
  transport: 'websocket' | 'sse'
  engine?: 'memory' | 'redis'
}

export const FANOUT_CONTENDERS: readonly FanoutContender[] = [
  { id: 'ws', label: 'raw `ws` broadcast (`client.send(buf)`)', transport: 'websocket' },
  { id: 'sl-ws', label: 'Switchline WebSocket', transport: 'websocket', engine: 'memory' },
  { id: 'sl-sse', label: 'Switchline SSE', transport: 'sse', engine: 'memory' },
  { id: 'sio', label: 'socket.io `io.emit`', transport: 'websocket' },
  { id: 'sse', label: 'raw `node:http` SSE (`res.write(buf)`)', transport: 'sse' },
  { id: 'sl-ws-redis', label: 'Switchline WebSocket, Redis engine', transport: 'websocket', engine: 'redis' },
  { id: 'sl-sse-redis', label: 'Switchline SSE, Redis engine', transport: 'sse', engine: 'redis' },
]

/** The channel every Switchline subscriber is on. */
export const FANOUT_CHANNEL = 'bench'

/** Serialized size of every event's data, in bytes. */
export const FANOUT_EVENT_BYTES = 64

/** Microseconds on the system's monotonic clock: the same clock in every process of the machine. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n)
}

/** One event's data: `{"t":<µs>,"seq":<n>,"pad":"x…"}`, padded to exactly {@link FANOUT_EVENT_BYTES} bytes. */
export function fanoutData(seq: number): { t: number; seq: number; pad: string } {
  const t = monotonicUs()
  const bare = `{"t":${t},"seq":${seq},"pad":""}`.length
  return { t, seq, pad: 'x'.repeat(Math.max(0, FANOUT_EVENT_BYTES - bare)) }
}

/** The `t` of an event's text (`"t":<digits>`), or `undefined` when it has none. */
export function stampOf(text: string): number | undefined {
  const at = text.indexOf('"t":')
  if (at < 0) return undefined
  let value = 0
  let i = at + 4
  for (; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) break
    value = value * 10 + digit
  }
  return i === at + 4 ? undefined : value
}
