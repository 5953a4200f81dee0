/**
 * The engine seam: where a server keeps its log and its id sequence, and where live events come from. The embedded
 * in-memory engine (`memory-engine.ts`) is the default; `@switchline/server/redis` runs the same contract on Redis
 * Streams so that several instances share one log, one sequence and one order (docs/decisions/0018).
 *
 * The transports only speak to this interface: append (the engine assigns the id and deduplicates `mid`),
 * subscribe (head cursor, gaps and replay taken atomically with the start of live delivery, R6–R9), health, close.
 */
import type { GapInfo, Json } from '@switchline/client/protocol'
import type { LoggedEvent } from './channel-log'
import type { ChannelCapacityError } from './errors'
import type { TimerFunctions } from './types'

/** `T` for a synchronous engine, `Promise<T>` for an asynchronous one (`T | Promise<T>` when unknown). */
export type Awaitable<Sync extends boolean, T> = Sync extends true ? T : Promise<T>

/** What a server tells the engine it creates. */
export interface EngineContext {
  /** Most events kept per channel instance (R6, R7). */
  readonly maxEvents: number
  /** Oldest event age kept per channel instance, in ms. */
  readonly maxAgeMs: number
  /** The configured epoch of a new log; `undefined` for a random one. */
  readonly epoch: string | undefined
  /**
   * Most channel instances holding a log at once (`maxChannelInstances`); an engine that bounds its instances
   * refuses an append to a new one beyond it with a {@link ChannelCapacityError}.
   */
  readonly maxChannelInstances: number
  /** Publishes per channel within which a repeated `mid` answers the original id (R22). */
  readonly midWindow: number
  /** The server's clock, in ms. */
  readonly now: () => number
  /** The server's timers. */
  readonly timers: TimerFunctions
}

/** One event to append. */
export interface AppendInput {
  readonly channel: string
  readonly data: Json
  readonly event: string | undefined
  readonly mid: string | undefined
  /** The JSON text of `data`, encoded and checked once by the server before the append (event-data.ts). */
  readonly dataJson?: string
}

/** What an append produced. */
export interface AppendResult {
  /** The new event id, or the original one for a repeated `mid` (R22). */
  readonly id: string
  /** `true` when `mid` repeated an earlier publish: nothing was appended. */
  readonly duplicate: boolean
}

/** One channel of a subscription and the client's cursor for it (`undefined`: live only, R9). */
export interface SubscribeRequest {
  readonly channel: string
  readonly cursor: string | undefined
}

/** Receives a subscription's live events, in the order every instance sees them. */
export interface EngineListener {
  /** A live event newer than the subscription's head. The same object goes to every subscriber of an instance. */
  event(event: LoggedEvent): void
  /**
   * Live delivery broke and events may have been missed (the Redis pub/sub connection was lost): the transport
   * closes its connection so the client resumes from its cursor, on this instance or another.
   */
  interrupted(): void
}

/**
 * A subscription whose head and replay are known and whose live events are held back until {@link start}: the
 * transport writes the head cursor, the gaps and the replay, then calls `start()`, which delivers the held events
 * newer than the head, then every live one as it comes. Nothing falls between the head and live delivery.
 * `head`, `gaps` and `replay` are read before `start()`; an engine may let them go after it (an idle subscription
 * should not keep its replay alive).
 */
export interface EngineSubscription {
  /** The epoch of the head and of every id in the replay. */
  readonly epoch: string
  /** The head cursor (R9): the id of the newest event of the log when the subscription started, or `<epoch>-0`. */
  readonly head: string
  /** One gap per channel whose cursor cannot be served completely (R7, R8), in request order. */
  readonly gaps: readonly GapInfo[]
  /** The retained events after each channel's cursor, all channels merged in seq order (R6). */
  readonly replay: readonly LoggedEvent[]
  /** Starts live delivery (once). */
  start(): void
  /** Stops delivery; idempotent. */
  close(): void
}

/** An engine's health, as the readiness endpoint reports it. */
export interface EngineHealth {
  /** Whether new streams and publishes can be served now. */
  readonly ready: boolean
  /**
   * `'ready'`; `'connecting'` before the engine was first ready; `'degraded'` when it was ready and lost its
   * backend; `'closed'` after `close()`.
   */
  readonly state: 'ready' | 'connecting' | 'degraded' | 'closed'
  /** Why it is not ready, for operators. */
  readonly reason?: string
}

/** A running engine: one per server. */
export interface SwitchlineEngine<Sync extends boolean = boolean> {
  /** `true` when `append` and `subscribe` answer synchronously (the in-memory engine). */
  readonly sync: Sync
  /** The current epoch; `undefined` until the engine first reached its backend. */
  epoch(): string | undefined
  /** Resolves once the engine is first ready (at once for the in-memory engine); rejects if closed before. */
  ready(): Promise<void>
  /**
   * Appends an event with the next id of the cluster's one sequence and delivers it live; a `mid` repeated within
   * the window answers the original id instead (R22). Fails with a retryable `unavailable`
   * {@link SwitchlineServerError} when the backend cannot be reached.
   */
  append(input: AppendInput): Awaitable<Sync, AppendResult>
  /**
   * Starts a subscription to `requests` (R6–R9). Live events are held for `listener` until the subscription is
   * started. Fails with a retryable `unavailable` error when the engine is not ready.
   */
  subscribe(requests: readonly SubscribeRequest[], listener: EngineListener): Awaitable<Sync, EngineSubscription>
  /** Live subscribers per channel instance on this server. */
  subscriberCounts(): Record<string, number>
  /**
   * Channel instances holding a log in this engine, when it counts them (the in-memory engine, bounded by
   * `maxChannelInstances`); `undefined` when the backend keeps them (Redis, bounded by its own retention).
   */
  channelInstances(): number | undefined
  health(): EngineHealth
  /**
   * Drops the log and its idempotency window; the log gets a new epoch, different from `epoch()` (for the fault
   * injector's restart). The new epoch is `epoch()` as soon as this returns.
   */
  reset(): Awaitable<Sync, void>
  /** Releases connections and timers; pending operations fail. */
  close(): Promise<void>
}

/** Creates the engine of one server: pass one as `engine` to `createSwitchlineServer`. */
export interface EngineFactory<Sync extends boolean = boolean> {
  /** A short name for stats and the readiness endpoint, e.g. `'memory'`, `'redis'`. */
  readonly name: string
  create(context: EngineContext): SwitchlineEngine<Sync>
}
