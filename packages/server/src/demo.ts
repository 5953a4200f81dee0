/**
 * The demo feeds: `ticker` (receive-only, ~10 events/s `{symbol, price, ts}` random walk), `clock` (receive-only,
 * 1/s `{iso, ts}`) and `chat` (clients may send; their publishes are logged and fanned out like any event).
 */
import { globalTimers, type ChannelDefinition, type TimerFunctions } from './options'

/** The demo's channel definitions; pass them (or a superset) as `channels`. */
export const DEMO_CHANNELS = {
  ticker: { send: false },
  clock: { send: false },
  chat: { send: true },
} as const satisfies Record<string, ChannelDefinition>

/** Options of {@link createDemo}. */
export interface DemoOptions {
  /** @defaultValue `100` (about 10 events per second) */
  tickerIntervalMs?: number
  /** @defaultValue `1000` */
  clockIntervalMs?: number
  /** @defaultValue the global timers */
  timers?: Pick<TimerFunctions, 'setInterval' | 'clearInterval'>
  /** Uniform random in [0, 1). @defaultValue `Math.random` */
  random?: () => number
  /** @defaultValue `Date.now` */
  now?: () => number
}

/** A running demo. */
export interface Demo {
  /** Stops publishing. */
  stop(): void
}

/** What the demo publishes to; a {@link SwitchlineServer} on any engine fits. */
export interface DemoTarget {
  /** The event id, or a promise of it (an asynchronous engine): a failed publish is skipped, the next tick goes on. */
  publish(channel: string, data: { [key: string]: string | number }): string | Promise<string>
}

const SYMBOLS = ['ACME', 'GLOBEX', 'INITECH'] as const

/** A demo tick whose publish failed (the engine was unreachable) is skipped, never an unhandled rejection. */
function skipFailure(result: string | Promise<string>): void {
  if (typeof result !== 'string') result.catch(() => undefined)
}

/** Starts publishing the demo feeds to `server`, which must define {@link DEMO_CHANNELS}. */
export function createDemo(server: DemoTarget, options: DemoOptions = {}): Demo {
  const random = options.random ?? Math.random
  const now = options.now ?? Date.now
  const setTimer = options.timers?.setInterval ?? globalTimers.setInterval
  const clearTimer = options.timers?.clearInterval ?? globalTimers.clearInterval
  const prices = new Map<string, number>(SYMBOLS.map((s, i) => [s, 100 + i * 50]))
  let tick = 0

  const ticker = setTimer(() => {
    const symbol = SYMBOLS[tick++ % SYMBOLS.length] as string
    const last = prices.get(symbol) ?? 100
    const price = Math.max(0.01, Math.round(last * (1 + (random() - 0.5) * 0.01) * 100) / 100)
    prices.set(symbol, price)
    skipFailure(server.publish('ticker', { symbol, price, ts: now() }))
  }, options.tickerIntervalMs ?? 100)
  const clock = setTimer(() => {
    const ts = now()
    skipFailure(server.publish('clock', { iso: new Date(ts).toISOString(), ts }))
  }, options.clockIntervalMs ?? 1000)

  return {
    stop() {
      clearTimer(ticker)
      clearTimer(clock)
    },
  }
}
