/**
 * The React side of a {@link StreamStore}: one store per hook instance and set of identity deps, read through
 * `useSyncExternalStore` (with a server snapshot, so server rendering and hydration connect nothing and agree).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { createStreamStore, type StreamStore, type StreamStoreOptions } from './stream-store'
import type { StreamSnapshot } from './types'

/** `useLayoutEffect` in browsers, `useEffect` on the server (where neither runs, and the former used to warn). */
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect

/** What {@link useStreamStore} builds a store from; `deps` decide when a new store (a resubscribe) is due. */
export interface StoreSpec<T, D, S> extends Omit<StreamStoreOptions<T, D, S>, 'reduce' | 'callbacks' | 'open'> {
  open: StreamStoreOptions<T, D, S>['open']
  reduce: ReturnType<StreamStoreOptions<T, D, S>['reduce']>
  callbacks: ReturnType<StreamStoreOptions<T, D, S>['callbacks']>
}

/**
 * Returns the snapshot and the store of the hook. A new store (and so a new subscription, the old one closed) when
 * one of `deps` changes; the spec's other fields are read from the latest render.
 */
export function useStreamStore<T, D, S>(
  spec: StoreSpec<T, D, S>,
  deps: readonly unknown[],
): [StreamSnapshot<D>, StreamStore<D, S>] {
  const latest = useRef(spec)
  useIsomorphicLayoutEffect(() => {
    latest.current = spec
  })
  const store = useMemo(
    () =>
      createStreamStore<T, D, S>({
        ...spec,
        open: (handlers, lastEventId) => latest.current.open(handlers, lastEventId),
        reduce: () => latest.current.reduce,
        callbacks: () => latest.current.callbacks,
      }),
    // biome-ignore lint/correctness/useExhaustiveDependencies: the store's identity is exactly `deps`, chosen by the calling hook
    deps,
  )
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
  return [snapshot, store]
}
