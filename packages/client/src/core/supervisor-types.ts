/** The reconnection supervisor's interface (implemented in supervisor.ts). */
import type { BackoffPolicy } from './backoff'
import type { Platform } from './platform-types'
import type { AttemptContext, AttemptHandle } from './transport-types'
import type { StateChange, ConnectionState } from '../types'

export interface SupervisorOptions {
  /** Opens one attempt; must call exactly one of `ctx.opened()`/`ctx.failed()` first, and `ctx.failed()` when an open connection is lost. */
  connect(ctx: AttemptContext): AttemptHandle | Promise<AttemptHandle>
  backoff: BackoffPolicy
  maxAttempts: number
  resetAfterMs: number
  pauseWhenHidden: boolean
  /** false = no reconnection at all: the first failure closes. */
  reconnect: boolean
  platform: Platform
  onState(change: StateChange): void
}

/**
 * Owns the connect → open → lost → wait → connect loop: backoff with jitter from `platform.random`, server hints
 * (the floor of the jitter range, see `reconnectDelay`), immediate attempt on `online`, none while offline, optional pause while
 * hidden, `maxAttempts`, reset after a healthy period, fatal errors stop with state `closed`.
 */
export interface Supervisor {
  readonly state: ConnectionState
  start(): void
  /** Closes the current attempt and stops for good (state `closed`). Clears every timer and listener. */
  stop(reason?: string): void
  /** Drops the current attempt (if any) and connects again now, without waiting (e.g. channel set changed). */
  restart(reason: string): void
}
