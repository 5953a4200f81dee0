/**
 * What the three raw `subscribe()` entries share (auto in `subscribe.ts`, SSE-only in `subscribe-sse.ts`,
 * WebSocket-only in `subscribe-ws.ts`): parsing the URL, and putting one {@link RawConnection} under a supervisor
 * behind the public subscription object. Importing this file brings neither transport: each entry passes its own.
 */
import { invalidOptions, type SwitchlineError } from '../core/errors'
import { createSupervisor, supervisorSettings } from '../core/supervisor'
import type { Supervisor } from '../core/supervisor-types'
import type { AttemptContext, AttemptHandle } from '../core/transport-types'
import { resolveAgainstPage, resolvePlatform } from '../platform/platform'
import { createSubscriptionCore, type SubscriptionSink } from './subscription-core'
import type { BaseSubscriptionOptions, SendResult, StateChange, Subscription, TransportKind } from '../types'

/** One raw connection (SSE or WebSocket) as `subscribe()` drives it. */
export interface RawConnection {
  /** Opens one attempt (the supervisor's `connect`; it takes the handle in a microtask either way). */
  connect(ctx: AttemptContext): AttemptHandle | Promise<AttemptHandle>
  send(data: unknown): Promise<SendResult>
  /**
   * The subscription is over (`failure`: the error that ended it, if any): release what is held (raw WebSocket's
   * pending sends reject with `closed`).
   */
  close(failure: SwitchlineError | undefined): void
}

/**
 * Parses a raw subscription's URL; a relative one resolves against the page's `location` (browsers).
 * @throws SwitchlineError `invalid_options` for a URL that does not parse.
 */
export function parseRawUrl(url: string): URL {
  try {
    return resolveAgainstPage(url)
  } catch (cause) {
    throw invalidOptions(`subscribe(): invalid URL ${JSON.stringify(url)}`, cause)
  }
}

/**
 * Starts a raw subscription over the connection `create` builds (`end(reason)` stops it without error, as the SSE
 * `done` sentinel does), with the transport already chosen (`kind`, announced to `onTransport` with `reason`).
 */
export function startRaw<T>(
  options: BaseSubscriptionOptions<T>,
  kind: TransportKind,
  reason: string,
  create: (sink: SubscriptionSink<T>, end: (reason: string) => void) => RawConnection,
): Subscription<T, unknown> {
  let supervisor: Supervisor | undefined
  let connection!: RawConnection
  const { sink, subscription } = createSubscriptionCore<T, unknown>(options, {
    // The supervisor's closing state change closes the connection (below).
    onClose: () => supervisor?.stop('closed'),
    // Only called while open, so after the connection exists (the app holds the subscription once it is returned).
    send: (data) => connection.send(data),
  })
  sink.setTransport(kind, reason)
  // Closed already: by an aborted signal, or by the app from onTransport (its signal) just now.
  if (sink.closed) return subscription
  connection = create(sink, (why) => supervisor?.stop(why))
  supervisor = createSupervisor({
    connect: connection.connect,
    ...supervisorSettings(options.reconnect),
    platform: resolvePlatform(options.platform),
    onState(change: Partial<StateChange>) {
      if (change.to === 'closed') connection.close(change.error)
      // The supervisor's change is a fresh object: the core adds its own `from`.
      delete change.from
      sink.setState(change as Omit<StateChange, 'from'>)
    },
  })
  supervisor.start()
  return subscription
}
