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
  iterator(): AsyncIterableIterator<T>
  send(data: S): Promise<SendResult>
  on(name: string, handler: NamedEventHandler<unknown>): () => void
  off(name: string, handler?: NamedEventHandler<unknown>): void
}

/** Makes `value` an own property of `target` and returns it: a method bound on first read stays the same function. */
function own<V>(target: object, key: PropertyKey, value: V): V {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true })
  return value
}

/** The handle's bound `send`, under a key the app cannot name (the sendable subclass cannot read `#core`). */
const BOUND_SEND = /* @__PURE__ */ Symbol()

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

  get close(): () => void {
    const core = this.#core
    return own(this, 'close', () => core.close('closed'))
  }
  get ready(): () => Promise<void> {
    const core = this.#core
    return own(this, 'ready', () => core.ready())
  }
  get on(): (name: string, handler: NamedEventHandler<unknown>) => () => void {
    const core = this.#core
    return own(this, 'on', (name: string, handler: NamedEventHandler<unknown>) => core.on(name, handler))
  }
  get off(): (name: string, handler?: NamedEventHandler<unknown>) => void {
    const core = this.#core
    return own(this, 'off', (name: string, handler?: NamedEventHandler<unknown>) => core.off(name, handler))
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
    const core = this.#core
    return own(this, Symbol.asyncIterator, () => core.iterator())
  }
  [BOUND_SEND](): (data: S) => Promise<SendResult> {
    const core = this.#core
    return own(this, 'send', (data: S) => core.send(data))
  }
}

export class SendableHandle<T, S> extends SubscriptionHandle<T, S> {
  get send(): (data: S) => Promise<SendResult> {
    return this[BOUND_SEND]()
  }
}
