/**
 * One `subscribe()` of one tab: a {@link Subscription} fed with what the leader tab broadcasts. It keeps its own
 * cursor (`lastEventId`) and drops every event at or before it, so a replay after a change of leader (the new
 * leader resumes from the oldest cursor any tab needs) is delivered once per tab, in order.
 */
import { createAsyncQueue } from '../core/async-queue'
import { isPromiseLike, validateWith } from '../core/decode'
import { SwitchlineError } from '../core/errors'
import { compareEventIds } from '../protocol/cursor'
import { call } from '../raw/subscription-core'
import {
  addNamedHandler,
  checkNamedHandler,
  createNamedHandlers,
  handlersOf,
  type NamedHandlers,
  removeNamedHandler,
} from '../raw/named-events'
import type {
  ChannelSubscribeOptions,
  ConnectionState,
  GapInfo,
  NamedEventHandler,
  PublishResult,
  StateChange,
  TransportChange,
  TransportKind,
} from '../types'
import { fromErrorShape, type ErrorShape, type StateShape } from './messages'

/** What a tab subscription asks of the tab that owns it. */
export interface TabSubscriptionHost {
  send(sub: TabSubscription, data: unknown): Promise<PublishResult>
  /** The subscription closed (by the app, its signal or a fatal error); `failed`: the leader closed the channel. */
  release(sub: TabSubscription, failed: boolean): void
}

/** Whether event id `id` is at or before `cursor` (ids of another epoch, or malformed ones, are never). */
export const isSeen = (id: string | undefined, cursor: string | undefined): boolean =>
  id !== undefined && cursor !== undefined && (compareEventIds(id, cursor) ?? 1) <= 0

/** A tab's subscription to one channel (its full name, `chat:room-a`). */
export class TabSubscription {
  state: ConnectionState = 'connecting'
  lastEventId: string | undefined
  transport: TransportKind | undefined
  transportReason: string | undefined
  private readonly queue
  private readonly opened: Promise<void>
  private settle: ((error?: SwitchlineError) => void) | undefined
  /** Validation with an asynchronous schema: events wait for the ones before them. */
  private chain: Promise<void> | undefined
  /** `on()` handlers by event name; created on the first `on()`, dropped at close. */
  private named: NamedHandlers | undefined
  private readonly onAbort = (): void =>
    this.end(
      new SwitchlineError('aborted', 'the subscription was aborted', {
        fatal: true,
        cause: this.options.signal?.reason,
      }),
      'aborted',
      false,
    )

  constructor(
    readonly ch: string,
    private readonly options: ChannelSubscribeOptions<unknown>,
    private readonly host: TabSubscriptionHost,
  ) {
    this.lastEventId = options.lastEventId
    this.queue = createAsyncQueue<unknown>({
      ...options.buffer,
      onReturn: () => this.close(),
      onDrop: (count) =>
        call(
          options.onError,
          new SwitchlineError('buffer_overflow', `dropped ${count} event(s): the iterator is behind`, { channel: ch }),
        ),
    })
    this.opened = new Promise((resolve, reject) => {
      this.settle = (error) => (error ? reject(error) : resolve())
    })
    this.opened.catch(() => undefined) // a ready() nobody awaits makes no unhandled rejection
    options.signal?.addEventListener('abort', this.onAbort, { once: true })
    if (options.signal?.aborted === true) queueMicrotask(this.onAbort)
  }

  /** The transport this subscription asked for, if any. */
  get transportPreference(): ChannelSubscribeOptions<unknown>['transport'] {
    return this.options.transport
  }

  /** An event from the leader: dropped when already seen, else validated and delivered. */
  deliver(id: string | undefined, data: unknown, event: string, transport: TransportKind): void {
    if (this.state === 'closed' || isSeen(id, this.lastEventId)) return
    if (id !== undefined) this.lastEventId = id
    const meta = { id, channel: this.ch, event, transport }
    const { schema } = this.options
    if (schema === undefined) return this.emit(data, meta)
    const run = (): void | Promise<void> => {
      try {
        const value = validateWith(schema, data)
        if (!isPromiseLike(value)) return this.emit(value, meta)
        return value.then(
          (v) => this.emit(v, meta),
          (e: unknown) => this.report(e as SwitchlineError),
        )
      } catch (error) {
        this.report(error as SwitchlineError)
      }
    }
    if (this.chain !== undefined) this.chain = this.chain.then(run)
    else {
      const pending = run()
      if (pending !== undefined) this.chain = pending.then(() => undefined)
    }
  }

  private emit(
    data: unknown,
    meta: { id: string | undefined; channel: string; event: string; transport: TransportKind },
  ): void {
    if (this.state === 'closed') return
    call(this.options.onEvent, data, meta)
    const named = handlersOf(this.named, meta)
    // A handler that throws does not stop the others (it surfaces a microtask later); one that closes does.
    if (named) for (const handler of named) if (!this.isClosed()) call(handler, data, meta)
    if (!this.isClosed()) this.queue.push(data)
  }

  /** A method, so a check after a handler ran is not narrowed away by the one before it. */
  private isClosed(): boolean {
    return this.state === 'closed'
  }

  /** `on()` of the subscription (types.ts, `NamedEvents`). */
  on(name: string, handler: NamedEventHandler<unknown>): () => void {
    checkNamedHandler('on', name, handler, false)
    if (this.state === 'closed') return () => {}
    return addNamedHandler((this.named ??= createNamedHandlers()), name, handler)
  }

  /** `off()` of the subscription (types.ts, `NamedEvents`). */
  off(name: string, handler?: NamedEventHandler<unknown>): void {
    checkNamedHandler('off', name, handler, true)
    if (this.named) removeNamedHandler(this.named, name, handler)
  }

  private report(error: SwitchlineError): void {
    if (this.state !== 'closed') call(this.options.onError, error)
  }

  gap(gap: GapInfo): void {
    if (this.state !== 'closed') call(this.options.onGap, gap)
  }

  error(shape: ErrorShape): void {
    this.report(fromErrorShape(shape))
  }

  /** A state change of the leader's subscription; a close with an error fails this one. */
  applyState(change: StateShape): void {
    if (change.to === 'closed') {
      if (change.error) this.end(fromErrorShape(change.error), change.reason, true)
      return // a close without error is the leader's own business (its tab is going away)
    }
    const { error, ...rest } = change
    this.move(error ? { ...rest, error: fromErrorShape(error) } : rest)
  }

  applyTransport(change: TransportChange): void {
    if (this.state === 'closed' || change.to === this.transport) return
    const from = this.transport
    this.transport = change.to
    this.transportReason = change.reason
    call(this.options.onTransport, { ...change, from })
  }

  /** The leader changed: until the new one is open, this one is reconnecting. */
  leaderLost(): void {
    if (this.state === 'open') this.move({ from: 'open', to: 'reconnecting', reason: 'leader tab changed' })
  }

  private move(change: StateChange): void {
    if (this.state === 'closed' || change.to === this.state) return
    const next = { ...change, from: this.state }
    this.state = change.to
    if (change.to === 'open') this.settle?.()
    call(this.options.onState, next)
  }

  private end(error: SwitchlineError | undefined, reason: string | undefined, failed: boolean): void {
    if (this.state === 'closed') return
    const from = this.state
    this.state = 'closed'
    this.named = undefined
    this.options.signal?.removeEventListener('abort', this.onAbort)
    // Settled and released first: an app callback that throws cannot leave ready(), the iterator or the leader waiting.
    this.settle?.(error ?? new SwitchlineError('closed', 'the subscription was closed', { fatal: true }))
    if (error) this.queue.fail(error)
    else this.queue.end()
    this.host.release(this, failed)
    if (error?.fatal === true && error.code !== 'aborted') call(this.options.onError, error)
    call(this.options.onState, {
      from,
      to: 'closed',
      ...(reason !== undefined ? { reason } : {}),
      ...(error && error.code !== 'aborted' ? { error } : {}),
    })
  }

  close(): void {
    this.end(undefined, 'closed', false)
  }

  ready(): Promise<void> {
    return this.opened
  }

  send(data: unknown): Promise<PublishResult> {
    if (this.state === 'closed')
      return Promise.reject(new SwitchlineError('closed', 'the subscription is closed', { fatal: true }))
    return this.host.send(this, data)
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this.queue.iterator()
  }
}
