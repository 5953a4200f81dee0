/**
 * The part of a subscription that does not care where events come from: state, ordered delivery (with sync or
 * async schema validation), callbacks that may throw, the bounded async iterator, the AbortSignal. Shared by raw
 * `subscribe()` and `client.subscribe()`; the owner feeds it through a {@link SubscriptionSink}.
 */
import { createAsyncQueue, type AsyncQueue } from './async-queue'
import { isSwitchlineError, SwitchlineError } from './errors'
import { isPromiseLike, validateWith } from './decode'
import type {
  BaseSubscriptionOptions,
  ConnectionState,
  EventMeta,
  GapInfo,
  SendResult,
  StateChange,
  Subscription,
  TransportKind,
} from './types'

/** What the owner of a subscription calls. Every method is a no-op once the subscription is closed. */
export interface SubscriptionSink<T> {
  /** Validates (schema, sync or async — order preserved), tracks `lastEventId`, fans out to `onEvent` and the iterator. */
  deliver(data: unknown, meta: EventMeta): void
  /** Emits `{ from, to }` only on an actual change; `to: 'closed'` ends the iterator (with the error, if any) and reports the error to `onError`. */
  setState(change: Omit<StateChange, 'from'>): void
  /** Reports a gap to `onGap` (in order with events). */
  gap(info: GapInfo): void
  /** A non-fatal problem → `onError`. */
  error(error: SwitchlineError): void
  /** Records the transport in use and why. */
  setTransport(kind: TransportKind | undefined, reason: string | undefined): void
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
 * - Aborting `options.signal` (or passing one already aborted) is a `close()` with reason `'aborted'`: the
 *   iterator ends without throwing and no error is reported — the app asked for it.
 * @example
 * const { sink, subscription } = createSubscriptionCore<Tick>(options, { onClose: () => supervisor.stop() })
 * sink.setState({ to: 'open' })
 * sink.deliver(JSON.parse(text), { id, channel: undefined, event: 'message', transport: 'sse' })
 */
export function createSubscriptionCore<T, S = never>(
  options: BaseSubscriptionOptions<T>,
  hooks: SubscriptionHooks<S>,
): { sink: SubscriptionSink<T>; subscription: Subscription<T, S> } {
  let state: ConnectionState = 'connecting'
  let closed = false
  let lastEventId = options.lastEventId
  let transport: TransportKind | undefined
  let transportReason: string | undefined
  let queue: AsyncQueue<T> | undefined
  let iterator: AsyncIterableIterator<T> | undefined
  let iteratorTaken = false
  const steps: Step[] = []
  let running = false

  const call = <A extends unknown[]>(fn: ((...args: A) => void) | undefined, ...args: A): void => {
    if (!fn) return
    try {
      fn(...args)
    } catch (error) {
      queueMicrotask(() => {
        throw error
      })
    }
  }

  /** Runs steps in order; a step returning a promise holds the rest until it settles. */
  function enqueue(step: Step): void {
    steps.push(step)
    if (!running) drain()
  }
  function drain(): void {
    running = true
    while (steps.length > 0 && !closed) {
      const step = steps.shift() as Step
      const pending = step()
      if (pending) {
        pending.then(drain, drain)
        return
      }
    }
    if (closed) steps.length = 0
    running = false
  }

  function emit(data: T, meta: EventMeta): void {
    if (meta.id !== undefined) lastEventId = meta.id
    call(options.onEvent, data, meta)
    if (!closed) queue?.push(data)
  }

  /** Policy `'error'`: the iterator yields what it holds, then throws; the subscription ends with that error. */
  function overflow(error: SwitchlineError): void {
    finalize({ to: 'closed', reason: 'iterator buffer overflow', error })
    hooks.onClose()
  }

  function deliverStep(data: unknown, meta: EventMeta): Step {
    return () => {
      if (!options.schema) {
        emit(data as T, meta)
        return
      }
      const rejected = (error: unknown): void => {
        if (meta.id !== undefined) lastEventId = meta.id
        call(options.onError, asValidationError(error))
      }
      let result: T | Promise<T>
      try {
        result = validateWith(options.schema, data)
      } catch (error) {
        rejected(error)
        return
      }
      if (!isPromiseLike(result)) {
        emit(result, meta)
        return
      }
      return result.then(
        (value) => {
          if (!closed) emit(value, meta)
        },
        (error: unknown) => {
          if (!closed) rejected(error)
        },
      )
    }
  }

  function applyState(change: Omit<StateChange, 'from'>): void {
    if (closed || change.to === state) return
    if (change.to === 'closed') {
      finalize(change)
      return
    }
    const from = state
    state = change.to
    call(options.onState, { from, ...change })
  }

  /**
   * The one way to `closed`: state, callbacks, iterator, signal listener. `byApp` (close(), abort, break) drops
   * what the iterator still buffers; otherwise (the stream ended, or failed) the iterator drains it first.
   */
  function finalize(change: Omit<StateChange, 'from'>, byApp = false): void {
    if (closed) return
    closed = true
    steps.length = 0
    const from = state
    state = 'closed'
    options.signal?.removeEventListener('abort', onAbort)
    call(options.onState, { from, ...change, to: 'closed' })
    if (change.error) call(options.onError, change.error)
    if (byApp) void iterator?.return?.()
    else if (change.error) queue?.fail(change.error)
    else queue?.end()
  }

  function close(reason: string): void {
    if (closed) return
    finalize({ to: 'closed', reason }, true)
    hooks.onClose()
  }
  function onAbort(): void {
    close('aborted')
  }

  const sink: SubscriptionSink<T> = {
    deliver(data, meta) {
      if (closed) return
      if (running || options.schema) {
        enqueue(deliverStep(data, meta))
        return
      }
      // Nothing queued ahead and nothing to validate: emit now, without a step closure (the per-event path).
      running = true
      emit(data as T, meta)
      drain()
    },
    setState(change) {
      if (!closed) enqueue(() => applyState(change))
    },
    gap(info) {
      if (!closed) enqueue(() => call(options.onGap, info))
    },
    error(error) {
      if (!closed) call(options.onError, error)
    },
    setTransport(kind, reason) {
      if (closed) return
      transport = kind
      transportReason = reason
    },
    get closed() {
      return closed
    },
  }

  const base = {
    get state() {
      return state
    },
    get lastEventId() {
      return lastEventId
    },
    get transport() {
      return transport
    },
    get transportReason() {
      return transportReason
    },
    close() {
      close('closed')
    },
    [Symbol.asyncIterator](): AsyncIterableIterator<T> {
      if (iteratorTaken) {
        throw new SwitchlineError('invalid_options', 'a subscription has one iterator; subscribe again for another')
      }
      iteratorTaken = true
      queue = createAsyncQueue<T>({
        maxSize: options.buffer?.maxSize ?? 1000,
        overflow: options.buffer?.overflow ?? 'error',
        onReturn: () => close('iterator returned'),
        onDrop: (count) =>
          call(
            options.onError,
            new SwitchlineError('buffer_overflow', `async-iterator buffer full: ${count} event(s) dropped`),
          ),
        onOverflow: overflow,
      })
      iterator = queue.iterator()
      if (closed) queue.end()
      return iterator
    },
  }
  const subscription = hooks.send
    ? Object.assign(base, {
        send(data: S): Promise<SendResult> {
          if (closed) return Promise.reject(new SwitchlineError('closed', 'the subscription is closed'))
          return (hooks.send as (data: S) => Promise<SendResult>)(data)
        },
      })
    : base

  if (options.signal?.aborted) close('aborted')
  else options.signal?.addEventListener('abort', onAbort, { once: true })

  return { sink, subscription: subscription as unknown as Subscription<T, S> }
}

function asValidationError(error: unknown): SwitchlineError {
  if (isSwitchlineError(error)) return error
  return new SwitchlineError('validation', `validation failed: ${String(error)}`, { cause: error })
}
