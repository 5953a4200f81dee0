/**
 * The framework-free core of the hooks: one store per hook instance, in the shape `useSyncExternalStore` wants
 * (`subscribe`, `getSnapshot`, `getServerSnapshot`). It opens its subscription when the first listener arrives
 * and closes it a tick after the last one leaves, unless a listener is back by then — so React StrictMode's
 * mount → unmount → mount opens one connection, and an unmount closes it. No React import: unit tests drive it
 * directly.
 */
import { SwitchlineError } from '@switchline/client'
import type { EventMeta, GapInfo, Sendable, SendResult, StateChange, Subscription } from '@switchline/client'
import type { StreamSnapshot, SubscriptionCallbacks } from './types'

/** The callbacks a store hands the subscription it opens; they go stale (no-ops) once that subscription is dropped. */
export interface OpenHandlers<T> {
  onEvent(data: T, meta: EventMeta): void
  onState(change: StateChange): void
  onGap(gap: GapInfo): void
  onError(error: SwitchlineError): void
}

/** What a store needs: how to open, how to fold events into data, and where the app's callbacks are now. */
export interface StreamStoreOptions<T, D, S> {
  /**
   * Opens the subscription (`client.subscribe(…)` or `subscribe(url, …)`), resuming after `lastEventId` when a
   * store opens again after it was closed. May throw (an invalid URL, a closed client): the store then shows
   * `state: 'closed'` with the error.
   */
  open(handlers: OpenHandlers<T>, lastEventId: string | undefined): Subscription<T, S>
  /** The data before the first event. */
  initial: D
  /** Folds one event into the data. Read at every event, so it may change between renders. */
  reduce(): (data: D, event: T, meta: EventMeta) => D
  /** The app's callbacks as they are now (read at every call). */
  callbacks(): SubscriptionCallbacks<T>
  /**
   * Runs `fn` after the current synchronous work: the grace before a store whose last listener left closes its
   * subscription. React's StrictMode remounts within the same task, so a microtask is enough.
   * @defaultValue `queueMicrotask`
   */
  schedule?: (fn: () => void) => void
  /** `false`: never opens; the snapshot stays `closed` with the initial data. @defaultValue true */
  enabled?: boolean
}

/** A store for `useSyncExternalStore`, plus `send`. */
export interface StreamStore<D, S> {
  subscribe(listener: () => void): () => void
  getSnapshot(): StreamSnapshot<D>
  /** The snapshot before any connection: what the server renders, and what hydration starts from. */
  getServerSnapshot(): StreamSnapshot<D>
  /** Sends over the open subscription; rejects with `closed` when there is none (not mounted yet, or unmounted). */
  send(data: S): Promise<SendResult>
  /** Whether a subscription is open now (tests and dev tools). */
  readonly open: boolean
}

const notOpen = (): Promise<never> =>
  Promise.reject(new SwitchlineError('closed', 'no open subscription: the component is not mounted (or not enabled)'))

/**
 * Creates a store. Nothing happens until the first `subscribe(listener)`: creating one during render (twice in
 * StrictMode) costs nothing and opens nothing.
 * @example
 * const store = createStreamStore({
 *   open: (handlers) => client.subscribe('ticker', handlers),
 *   initial: undefined,
 *   reduce: () => (_data, event) => event,
 *   callbacks: () => ({}),
 * })
 * const stop = store.subscribe(() => render(store.getSnapshot().data))
 */
export function createStreamStore<T, D, S = never>(options: StreamStoreOptions<T, D, S>): StreamStore<D, S> {
  const schedule = options.schedule ?? queueMicrotask
  const enabled = options.enabled !== false
  const initial: StreamSnapshot<D> = {
    data: options.initial,
    state: enabled ? 'connecting' : 'closed',
    transport: undefined,
    transportReason: undefined,
    lastEventId: undefined,
    error: undefined,
  }
  let snapshot = initial
  const listeners = new Set<() => void>()
  let subscription: Subscription<T, S> | undefined
  /** The handlers of the subscription in use; any other handlers object is stale. */
  let active: OpenHandlers<T> | undefined
  /** Bumped by every subscribe and by every scheduled close: a scheduled close runs only if still the latest. */
  let generation = 0

  function update(patch: Partial<StreamSnapshot<D>>): void {
    let changed = false
    for (const key in patch) {
      if (!Object.is(patch[key as keyof StreamSnapshot<D>], snapshot[key as keyof StreamSnapshot<D>])) changed = true
    }
    if (!changed) return
    snapshot = { ...snapshot, ...patch }
    for (const listener of [...listeners]) listener()
  }

  function fromSubscription(sub: Subscription<T, S>): Partial<StreamSnapshot<D>> {
    return { state: sub.state, transport: sub.transport, transportReason: sub.transportReason }
  }

  function openNow(): void {
    const handlers: OpenHandlers<T> = {
      onEvent(data, meta) {
        if (active !== handlers) return
        // A reduce that throws is the app's bug, not the stream's: the data stays, the snapshot says why, and the
        // stream goes on (the event counts as delivered: a reopen does not replay it into the same throw).
        let folded = snapshot.data
        let error: SwitchlineError | undefined
        try {
          folded = options.reduce()(folded, data, meta)
        } catch (cause) {
          error = new SwitchlineError('decode', `reduce threw: ${cause}`, { cause })
        }
        update({
          data: folded,
          lastEventId: meta.id ?? snapshot.lastEventId,
          transport: meta.transport,
          error: error ?? snapshot.error,
        })
        if (error) options.callbacks().onError?.(error)
        options.callbacks().onEvent?.(data, meta)
      },
      onState(change) {
        if (active !== handlers) return
        update({
          state: change.to,
          ...(subscription ? { transport: subscription.transport, transportReason: subscription.transportReason } : {}),
          // an error stays until the stream is open again (or is replaced by the next one)
          error: change.error ?? (change.to === 'open' ? undefined : snapshot.error),
        })
        options.callbacks().onState?.(change)
      },
      onGap(gap) {
        if (active !== handlers) return
        options.callbacks().onGap?.(gap)
      },
      onError(error) {
        if (active !== handlers) return
        update({ error })
        options.callbacks().onError?.(error)
      },
    }
    active = handlers
    try {
      const sub = options.open(handlers, snapshot.lastEventId)
      if (active !== handlers) {
        sub.close() // closed from a callback during open: nothing holds it
        return
      }
      subscription = sub
      update(fromSubscription(sub))
    } catch (error) {
      active = undefined
      const failure =
        error instanceof SwitchlineError
          ? error
          : new SwitchlineError('invalid_options', String(error), { fatal: true, cause: error })
      update({ state: 'closed', error: failure })
      options.callbacks().onError?.(failure)
    }
  }

  function closeNow(): void {
    const sub = subscription
    active = undefined
    subscription = undefined
    sub?.close() // its own state change to 'closed' arrives on stale handlers: the snapshot keeps the last state
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      generation += 1 // cancels a scheduled close
      // the first listener opens; after a close (unmounted, then mounted again) it reopens from the last event id
      if (enabled && active === undefined && listeners.size === 1) openNow()
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return
        const scheduled = ++generation
        schedule(() => {
          if (scheduled === generation && listeners.size === 0) closeNow()
        })
      }
    },
    getSnapshot: () => snapshot,
    getServerSnapshot: () => initial,
    send(data) {
      const sub = subscription as Partial<Sendable<S>> | undefined
      return sub?.send ? sub.send(data) : notOpen()
    },
    get open() {
      return subscription !== undefined
    },
  }
}
