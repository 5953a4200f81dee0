/**
 * The public side of a subscription: a small object over the subscription core (subscription-core.ts), one field
 * per subscription, its members on the prototype.
 */
import type { ConnectionState, NamedEventHandler, SendResult, TransportKind } from '../types'

/** What a handle reads and calls on its core. */
export interface HandleCore<T, S> {
  readonly state: ConnectionState
  readonly lastEventId: string | undefined
  readonly transport: TransportKind | undefined
  readonly transportReason: string | undefined
  close(reason: string): void
  ready(): Promise<void>
  [Symbol.asyncIterator](): AsyncIterableIterator<T>
  send(data: S): Promise<SendResult>
  on(name: string, handler: NamedEventHandler<unknown>): () => void
  off(name: string, handler?: NamedEventHandler<unknown>): void
}

/** The handle's binder, under a key the app cannot name (the sendable subclass cannot read `#core`). */
const BIND = /* @__PURE__ */ Symbol()

/**
 * The public subscription: one field per subscription. The getters live on the prototype; `close`, `send`, `on`,
 * `off` and `[Symbol.asyncIterator]` are prototype getters that bind on first read and cache the function as an own property,
 * so they keep working when destructured (`const { close } = sub`) or passed as callbacks, and a subscription
 * nobody reads them from holds no function (two bound functions were ~100 B per subscription).
 */
export class SubscriptionHandle<T, S> {
  readonly #core: HandleCore<T, S>

  constructor(core: HandleCore<T, S>) {
    this.#core = core
  }

  /**
   * The core's method `key` bound to it (with `args` first), made an own property of the handle: a method bound on
   * first read stays the same function.
   */
  // biome-ignore lint/suspicious/noExplicitAny: one binder for methods of different signatures
  [BIND](key: keyof HandleCore<T, S>, ...args: unknown[]): any {
    const core = this.#core
    const value = (core[key] as (...a: unknown[]) => unknown).bind(core, ...args)
    Object.defineProperty(this, key, { value, writable: true, enumerable: true })
    return value
  }

  get close(): () => void {
    return this[BIND]('close', 'closed')
  }
  get ready(): () => Promise<void> {
    return this[BIND]('ready')
  }
  get on(): (name: string, handler: NamedEventHandler<unknown>) => () => void {
    return this[BIND]('on')
  }
  get off(): (name: string, handler?: NamedEventHandler<unknown>) => void {
    return this[BIND]('off')
  }
  get state(): ConnectionState {
    return this.#core.state
  }
  get lastEventId(): string | undefined {
    return this.#core.lastEventId
  }
  get transport(): TransportKind | undefined {
    return this.#core.transport
  }
  get transportReason(): string | undefined {
    return this.#core.transportReason
  }
  get [Symbol.asyncIterator](): () => AsyncIterableIterator<T> {
    return this[BIND](Symbol.asyncIterator)
  }
}

export class SendableHandle<T, S> extends SubscriptionHandle<T, S> {
  get send(): (data: S) => Promise<SendResult> {
    return this[BIND]('send')
  }
}
