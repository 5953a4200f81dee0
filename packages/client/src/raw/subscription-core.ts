/**
 * The part of a subscription that does not care where events come from: state, ordered delivery (with sync or
 * async schema validation), callbacks that may throw, the bounded async iterator, the AbortSignal. Shared by raw
 * `subscribe()` and `client.subscribe()`; the owner feeds it through a {@link SubscriptionSink}.
 */
import { openQueue, type QueueProducer } from '../core/async-queue'
import { isSwitchlineError, SwitchlineError } from '../core/errors'
import { isPromiseLike, validateWith } from '../core/decode'
import { SendableHandle, SubscriptionHandle } from './subscription-handle'
import {
  addNamedHandler,
  checkNamedHandler,
  createNamedHandlers,
  handlersOf,
  type NamedHandlers,
  removeNamedHandler,
} from './named-events'
import type {
  BaseSubscriptionOptions,
  ConnectionState,
  EventMeta,
  GapInfo,
  NamedEventHandler,
  SendResult,
  StateChange,
  Subscription,
  TransportChange,
  TransportKind,
} from '../types'

/** What the owner of a subscription calls. Every method is a no-op once the subscription is closed. */
// biome-ignore lint/correctness/noUnusedVariables: `T` names the payload type at every use site (`SubscriptionSink<T>`), though `deliver` takes the raw value
export interface SubscriptionSink<T> {
  /** Validates (schema, sync or async — order preserved), tracks `lastEventId`, fans out to `onEvent` and the iterator. */
  deliver(data: unknown, meta: EventMeta): void
  /** Emits `{ from, to }` only on an actual change; `to: 'closed'` ends the iterator (with the error, if any) and reports the error to `onError`. */
  setState(change: Omit<StateChange, 'from'>): void
  /**
   * Sets `lastEventId` (in order with events) without delivering: raw SSE's cursor, moved by every event block
   * with an `id` (also ones not delivered), and reset to `undefined` by an empty `id:`.
   */
  cursor(id: string | undefined): void
  /** Reports a gap to `onGap` (in order with events). */
  gap(info: GapInfo): void
  /** A non-fatal problem → `onError`. */
  error(error: SwitchlineError): void
  /**
   * Records the transport in use and why; a change (of either) is one `onTransport` call, in order with events and
   * state changes, and the `transport` / `transportReason` members change with it.
   */
  setTransport(kind: TransportKind, reason: string, reprobeAt?: number): void
  /** Whether the subscription is closed (by the app, the signal, or a final state from the owner). */
  readonly closed: boolean
}

/** What the owner provides. */
export interface SubscriptionHooks<S> {
  /** The app closed the subscription (`close()`, `break`, or the signal): tear everything down. Called once. */
  onClose(): void
  /** Present when the subscription can send. Called only while the subscription is not closed. */
  send?: (data: S) => Promise<SendResult>
}

/** Callers of `ready()` waiting for the first `open` (or the end). */
type ReadyWaiters = Array<[() => void, (error: SwitchlineError) => void]>

/** A queued step of the ordered pipeline. */
type Step = () => void | Promise<void>

/**
 * Creates the sink/subscription pair.
 *
 * - Order: events, gaps and state changes are applied in the order the owner reported them; while an async
 *   validation is pending the later steps wait for it. A payload that fails validation goes to `onError`
 *   (`validation`) and is skipped; its id still moves `lastEventId` (so a resume does not fetch it again).
 * - Callbacks that throw do not break delivery: the error is rethrown from a microtask (so the app's global
 *   error handler sees it) and the stream continues.
 * - The iterator exists only once requested (`for await`); events before that are not buffered. Its buffer is
 *   `options.buffer` (default 1000, overflow `'error'`); dropped events are reported as `buffer_overflow`.
 *   Breaking out of the loop closes the subscription. One iterator per subscription.
 * - `close()` is idempotent: calls `hooks.onClose()` once, sets state `closed` (reason `'closed'`, no error),
 *   ends the iterator (dropping what it buffered), drops pending deliveries and removes the AbortSignal
 *   listener. When the owner closes (the stream ended or failed), the iterator first yields what it buffered,
 *   then ends (or throws the error). With overflow `'error'`, the subscription closes with `buffer_overflow`.
 * - Aborting `options.signal` (or passing one already aborted) is a `close()` with reason `'aborted'`: no error
 *   reaches `onState` / `onError` (the app asked for it), but the iterator yields what it buffered and then throws
 *   an `aborted` error (cause: `signal.reason`), as Node's `events.on()` does, so a `for await` can tell an abort
 *   from the end of the stream.
 * - A failure that will be retried (`reconnecting` with an `error`) is reported to `onError` after `onState`; the
 *   error carries `attempt` and `nextDelayMs`.
 * - `ready()` resolves at the first `open`; a subscription that closes before it rejects it with its error (fatal,
 *   `max_attempts`), `aborted` or `closed`. Nothing is allocated until it is called, so an app that never calls it
 *   gets no unhandled rejection.
 * - `on(name, handler)` handlers (named-events.ts, types.ts `NamedEvents`) run after `onEvent`, each guarded like
 *   it; the emitter is created on the first `on()`, and `close` (by the app or the owner) drops every handler.
 * @example
 * const { sink, subscription } = createSubscriptionCore<Tick>(options, { onClose: () => supervisor.stop() })
 * sink.setState({ to: 'open' })
 * sink.deliver(JSON.parse(text), { id, channel: undefined, event: 'message', transport: 'sse' })
 */
export function createSubscriptionCore<T, S = never>(
  options: BaseSubscriptionOptions<T>,
  hooks: SubscriptionHooks<S>,
): { sink: SubscriptionSink<T>; subscription: Subscription<T, S> } {
  const core = new Core<T, S>(options, hooks)
  const subscription = hooks.send ? new SendableHandle<T, S>(core) : new SubscriptionHandle<T, S>(core)
  return { sink: core, subscription: subscription as unknown as Subscription<T, S> }
}

/**
 * Calls an app callback; a throw is rethrown from a microtask (the app's global handler sees it), so it stops
 * neither delivery nor a close. Every subscription form calls app code through it (the tabs one too).
 */
export function call<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void {
  if (!fn) return
  try {
    fn(...args)
  } catch (error) {
    queueMicrotask(() => {
      throw error
    })
  }
}

/**
 * The state and the sink, as a class (V8 memory notes §1, §5: docs/decisions/0021-v8-memory-notes.md).
 * Pipeline steps, the abort listener and the iterator queue are allocated only when needed.
 */
class Core<T, S> implements SubscriptionSink<T> {
  /** `'closed'` is final: `closed` is derived from it (V8 memory notes §5). */
  state: ConnectionState = 'connecting'
  lastEventId: string | undefined
  transport: TransportKind | undefined
  transportReason: string | undefined
  #queue: QueueProducer<T> | undefined
  /** Steps waiting behind a running one; allocated only when a step has to wait. */
  #steps: Step[] | undefined
  #running = false
  /**
   * `ready()`: `undefined` until asked, then its waiters; `true` once open; the error once closed without opening.
   * One field, allocated only for a subscription whose `ready()` is called before it settles.
   */
  #ready: ReadyWaiters | true | SwitchlineError | undefined
  /** `on()` handlers by event name; created on the first `on()`, dropped at close. */
  #named: NamedHandlers | undefined
  readonly #options: BaseSubscriptionOptions<T>
  readonly #hooks: SubscriptionHooks<S>

  constructor(options: BaseSubscriptionOptions<T>, hooks: SubscriptionHooks<S>) {
    this.#options = options
    this.#hooks = hooks
    this.lastEventId = options.lastEventId
    const signal = options.signal
    if (signal?.aborted) this.close('aborted')
    // The core is the listener (`handleEvent`): V8 memory notes §4.
    else signal?.addEventListener('abort', this, { once: true })
  }

  get closed(): boolean {
    return this.state === 'closed'
  }

  deliver(data: unknown, meta: EventMeta): void {
    if (this.closed) return
    const schema = this.#options.schema
    if (this.#running || schema) {
      this.#enqueue(() => {
        if (!schema) return this.#emit(data as T, meta)
        let result: T | Promise<T>
        try {
          result = validateWith(schema, data)
        } catch (error) {
          return this.#rejected(error, meta)
        }
        if (!isPromiseLike(result)) return this.#emit(result, meta)
        return result.then(
          (value) => {
            if (!this.closed) this.#emit(value, meta)
          },
          (error: unknown) => {
            if (!this.closed) this.#rejected(error, meta)
          },
        )
      })
      return
    }
    // Nothing queued ahead and nothing to validate: emit now, without a step closure (the per-event path).
    this.#running = true
    this.#emit(data as T, meta)
    this.#drain()
  }
  // setState, gap and setTransport need no `closed` check: a closed core runs no step (#drain).
  setState(change: Omit<StateChange, 'from'>): void {
    this.#enqueue(() => this.#applyState(change))
  }
  cursor(id: string | undefined): void {
    if (this.closed) return
    if (this.#running) this.#enqueue(() => void (this.lastEventId = id))
    else this.lastEventId = id
  }
  gap(info: GapInfo): void {
    const onGap = this.#options.onGap
    this.#enqueue(() => call(onGap, info))
  }
  error(error: SwitchlineError): void {
    if (!this.closed) call(this.#options.onError, error)
  }
  setTransport(to: TransportKind, reason: string, reprobeAt?: number): void {
    this.#enqueue(() => {
      const from = this.transport
      if (from === to && this.transportReason === reason) return
      this.transport = to
      this.transportReason = reason
      const change: TransportChange = { from, to, reason }
      if (reprobeAt !== undefined) change.reprobeAt = reprobeAt
      call(this.#options.onTransport, change)
    })
  }

  /** Runs steps in order; a step returning a promise holds the rest until it settles. */
  #enqueue(step: Step): void {
    ;(this.#steps ??= []).push(step)
    if (!this.#running) this.#drain()
  }
  #drain(): void {
    this.#running = true
    const steps = this.#steps
    while (steps?.length && !this.closed) {
      const pending = (steps.shift() as Step)()
      if (pending) {
        const drain = () => this.#drain()
        pending.then(drain, drain)
        return
      }
    }
    // Dropped once empty: an idle subscription holds no array.
    if (this.closed || steps?.length === 0) this.#steps = undefined
    this.#running = false
  }

  #emit(data: T, meta: EventMeta): void {
    if (meta.id !== undefined) this.lastEventId = meta.id
    call(this.#options.onEvent, data, meta)
    const named = handlersOf(this.#named, meta)
    // A handler (or onEvent) that closes the subscription stops the rest: close() removed them.
    if (named) for (const handler of named) if (!this.closed) call(handler, data, meta)
    // (A queue ignores pushes once the core closed it.)
    this.#queue?.push(data)
  }

  /** `on()` of the subscription (types.ts, `NamedEvents`). */
  on(name: string, handler: NamedEventHandler<unknown>): () => void {
    checkNamedHandler('on', name, handler, false)
    if (this.closed) return () => {}
    return addNamedHandler((this.#named ??= createNamedHandlers()), name, handler)
  }
  /** `off()` of the subscription (types.ts, `NamedEvents`). */
  off(name: string, handler?: NamedEventHandler<unknown>): void {
    checkNamedHandler('off', name, handler, true)
    if (this.#named) removeNamedHandler(this.#named, name, handler)
  }

  /** A payload that failed validation: its id still moves `lastEventId`, the error goes to `onError`. */
  #rejected(error: unknown, meta: EventMeta): void {
    if (meta.id !== undefined) this.lastEventId = meta.id
    call(
      this.#options.onError,
      isSwitchlineError(error)
        ? error
        : new SwitchlineError('validation', `validation failed: ${String(error)}`, { cause: error }),
    )
  }

  #applyState(change: Omit<StateChange, 'from'>): void {
    const from = this.state
    const to = change.to
    // (Never closed here: a closed core runs no step.)
    if (to === from) return
    if (to === 'closed') return this.#finalize(change)
    this.state = to
    const options = this.#options
    call(options.onState, { from, ...change })
    // A failure that will be retried reaches onError too (with `attempt` and `nextDelayMs`), after its onState.
    if (to === 'reconnecting' && change.error) call(options.onError, change.error)
    // onState may have closed it (an app that closes when it opens): ready() then rejects, with the close's error.
    if (to === 'open' && this.state === to) this.#settle(true)
  }

  /** Settles `ready()`, once: `true` (opened) resolves its waiters, an error rejects them. */
  #settle(end: true | SwitchlineError): void {
    const waiters = this.#ready
    if (waiters === true) return
    this.#ready = end
    // Not an error here: that is set only when it closes, and a closed core settles nothing again.
    if (waiters) for (const [resolve, reject] of waiters as ReadyWaiters) end === true ? resolve() : reject(end)
  }

  /**
   * The one way to `closed`: state, callbacks, iterator, signal listener. `byApp` (close(), abort, break) drops
   * what the iterator still buffers; otherwise (the stream ended, or failed) the iterator drains it first.
   * The error it ended with is the subscription's own, or `aborted` for an aborted signal (as Node's `events.on()`
   * does: what is buffered first, then the error).
   */
  #finalize(change: Omit<StateChange, 'from'>, byApp = false): void {
    if (this.closed) return
    const from = this.state
    this.state = 'closed'
    this.#steps = undefined
    this.#named?.all.clear()
    this.#named = undefined
    const options = this.#options
    const { error, reason } = change
    options.signal?.removeEventListener('abort', this)
    call(options.onState, { from, ...change }) // `change.to` is 'closed' from every caller
    if (error) call(options.onError, error)
    const aborted = byApp && reason === 'aborted'
    const end =
      error ??
      (aborted
        ? new SwitchlineError('aborted', 'the subscription was aborted by its signal', {
            cause: options.signal?.reason,
          })
        : undefined)
    // Never opened: ready() rejects, now and later, with why it ended.
    if (this.#ready !== true) {
      this.#settle(
        end ?? new SwitchlineError('closed', `the subscription closed before it opened (${reason ?? 'closed'})`),
      )
    }
    const queue = this.#queue
    if (!queue) return
    if (byApp && !aborted) queue.stop()
    else queue.close(end ? 2 : 1, end)
  }

  /** The AbortSignal's `abort` listener. */
  handleEvent(): void {
    this.close('aborted')
  }

  /** See {@link BaseSubscription.ready}. */
  ready(): Promise<void> {
    const state = this.#ready
    if (state === true) return Promise.resolve()
    if (state instanceof Error) return Promise.reject(state)
    return new Promise<void>((resolve, reject) => (state ?? (this.#ready = [])).push([resolve, reject]))
  }

  close(reason: string): void {
    if (this.closed) return
    this.#finalize({ to: 'closed', reason }, true)
    this.#hooks.onClose()
  }

  send(data: S): Promise<SendResult> {
    if (this.closed) return Promise.reject(new SwitchlineError('closed', 'the subscription is closed'))
    return (this.#hooks as Required<SubscriptionHooks<S>>).send(data)
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    if (this.#queue) {
      throw new SwitchlineError('invalid_options', 'a subscription has one iterator; subscribe again for another')
    }
    const options = this.#options
    const [queue, iterator] = openQueue<T>(
      options.buffer,
      () => this.close('iterator returned'),
      (count) =>
        call(
          options.onError,
          new SwitchlineError('buffer_overflow', `async-iterator buffer full: ${count} event(s) dropped`),
        ),
      // Policy `'error'`: the iterator yields what it holds, then throws; the subscription ends with that error.
      (error) => {
        this.#finalize({ to: 'closed', reason: 'iterator buffer overflow', error })
        this.#hooks.onClose()
      },
    )
    this.#queue = queue
    if (this.closed) {
      // Asked for after the end: a subscription that never opened throws why (failed, aborted); else it just ends.
      const end = this.#ready
      queue.close(end instanceof Error && end.code !== 'closed' ? 2 : 1, end)
    }
    return iterator
  }
}
