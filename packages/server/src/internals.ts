/**
 * The minimal hook surface the fault injector (`@switchline/server/testing`) plugs into. Not part of the public
 * API: reach it with `server[SERVER_INTERNALS]`. The production server only calls the hooks; fault logic lives in
 * `src/testing/`.
 * @internal
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ResolvedOptions } from './options'
import type { Refusal } from './types'

export type { Refusal } from './types'

/** The key of a server's internals. @internal */
export const SERVER_INTERNALS: unique symbol = Symbol.for('@switchline/server/internals') as never

/** A transport. */
export type Transport = 'sse' | 'ws'

/** Where the server asks the hooks whether to admit a connection or request, before its credentials. @internal */
export type AdmissionPoint = 'sse' | 'publish' | 'upgrade'

/**
 * Where the server asks the hooks again once `authenticate` and `authorize` have allowed a request: an SSE connect,
 * an HTTP publish (before it is appended), a WebSocket `hello` (before `welcome`). @internal
 */
export type AuthorizedPoint = 'sse' | 'publish' | 'hello'

/** One open SSE stream or WebSocket, as the hooks see it. @internal */
export interface ConnectionHandle {
  readonly id: number
  readonly transport: Transport
  /** Whether it is still open (writes to a closed connection are ignored). */
  isOpen(): boolean
  /** Writes raw text, bypassing the write hook: an SSE chunk, or one WebSocket text frame. */
  writeRaw(text: string): void
  /** Destroys the socket without a goodbye (network drop). */
  drop(): void
  /** Ends cleanly: an SSE stream ends, a WebSocket closes with `code` (default 1000). */
  end(code?: number, reason?: string): void
}

/** Hooks a fault injector installs. @internal */
export interface ServerHooks {
  /** Consulted before a request/connection is served, before its credentials; a refusal is answered instead. */
  admit?(point: AdmissionPoint, req: IncomingMessage): Refusal | undefined
  /**
   * Consulted after `authenticate` and `authorize` have seen and allowed the request's credentials, right before it
   * is served; a refusal is answered instead (at `hello`: a close, 401 → 4001).
   */
  afterAuthorize?(point: AuthorizedPoint, req: IncomingMessage): Refusal | undefined
  /** Every outgoing write goes through here; call `write` now, later, or never. */
  write?(conn: ConnectionHandle, write: () => void): void
  /** Serves `B/_faults/<rest>` when the server has `faults: true`. Returns false when it does not know the path. */
  http?(rest: string, req: IncomingMessage, res: ServerResponse): boolean
  /** Told once when a connection has closed (for any reason), so per-connection state can be forgotten. */
  closed?(conn: ConnectionHandle): void
  /** The server is closing: release every timer and forget held writes. The hooks are removed right after. */
  dispose?(): void
}

/** What `server[SERVER_INTERNALS]` exposes. @internal */
export interface ServerInternals {
  readonly options: ResolvedOptions
  setHooks(hooks: ServerHooks | undefined): void
  /** Every open connection. */
  connections(): ConnectionHandle[]
  /**
   * Drops the log and its idempotency window; the server gets a new random epoch (a restart that lost it) at once.
   * On an asynchronous engine the promise settles when the backend has dropped it too.
   */
  resetLog(): void | Promise<void>
}
