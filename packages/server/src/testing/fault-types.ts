/**
 * The fault injector's public types, in a file of their own so that fault-routes.ts (the HTTP controls) and
 * fault-injector.ts (which serves them) do not import each other. fault-injector.ts re-exports them.
 */
import type { Transport } from '../internals'

/** Counters of what the faults did. */
export interface FaultCounters {
  /** Upgrades refused by `refuseWebSockets`. */
  upgradesRefused: number
  /** 401 answers and 4001 closes sent by `unauthorizeNext`. */
  unauthorizedSent: number
  /** 204 answers sent by `stopStreams`. */
  streamsStopped: number
  /** 503 answers (SSE, publish) and 1013 closes (WebSocket upgrades) sent while down after `restart({ downMs })`. */
  refusedWhileDown: number
  /** Connections dropped by `drop` / `dropAll`. */
  dropped: number
  /** Malformed frames/events injected. */
  malformedInjected: number
  /** Restarts performed. */
  restarts: number
}

/** The current fault settings. */
export interface FaultState {
  stalled: Transport | 'all' | false
  delayMs: number
  refusingWebSockets: false | 403 | 502
  stoppingStreams: boolean
  unauthorizeRemaining: number
  /** Remaining down time after a restart, in ms (0 when up). */
  downRemainingMs: number
  /** Writes currently held back by `stall` or `delay`. */
  heldWrites: number
}

/** What `faults.stats()` returns. */
export interface FaultStats extends FaultCounters {
  state: FaultState
}

/** Fault controls over a server. */
export interface FaultInjector {
  /** Destroys every open connection without a goodbye (network drop). */
  dropAll(): void
  /** Destroys every open connection of one transport. */
  drop(transport: Transport): void
  /** While on, upgrades are answered `status` (default 403) like a blocking proxy. */
  refuseWebSockets(on: boolean, options?: { status?: 403 | 502 }): void
  /**
   * While on, nothing is written to the affected connections (events, heartbeats, pongs); sockets stay open and
   * writes are held, then released in order when the stall ends (like a buffering proxy).
   */
  stall(on: boolean, options?: { transport?: Transport }): void
  /** Delays every outgoing write by `ms`, preserving order. `0` turns it off and releases delayed writes at once. */
  delay(ms: number): void
  /** Sends one malformed SSE event / WebSocket frame to every open connection of `transport`. */
  injectMalformed(transport: Transport): void
  /**
   * The next `n` SSE connects, HTTP publishes and WebSocket hellos that `authenticate` and `authorize` allow answer
   * 401 / close 4001 instead, as if the token had been rejected: the hooks still see (and may record) the token of
   * each refused attempt, and a refused publish is not published. Requests the hooks or the server refuse
   * themselves do not count.
   */
  unauthorizeNext(n: number): void
  /** Ends open SSE streams; from now on (until `reset`) SSE requests answer 204 (R23). */
  stopStreams(): void
  /**
   * Simulates a restart: WebSockets close with 1012, SSE streams end; for `downMs` new SSE and publish requests get
   * 503 + Retry-After, and WebSocket upgrades are accepted then closed at once with 1013 and reason
   * `retry-after=<remaining ms>` (a browser cannot see an upgrade's HTTP status). `keepLog: false` drops the log
   * (new epoch).
   */
  restart(options: { keepLog: boolean; downMs?: number }): void
  /** Turns every fault off; held and delayed writes are released at once, in order. Counters are kept. */
  reset(): void
  /** Counters and current settings. */
  stats(): FaultStats
  /** Removes the hooks from the server (implies `reset`: every held write is released first). */
  detach(): void
}
