/**
 * What tab sharing needs from the browser, as narrow structural types so tests inject fakes: Web Locks
 * (`navigator.locks`) for the election, `BroadcastChannel` for the messages, and the page's lifecycle events.
 */

/** The part of `navigator.locks` (Web Locks API) the election uses. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<unknown>
}

/** The part of a `BroadcastChannel` the tabs use. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void
  close(): void
  onmessage: ((event: { data: unknown }) => void) | null
}

/** A `BroadcastChannel` constructor. */
export type BroadcastChannelConstructor = new (name: string) => BroadcastChannelLike

/** Page lifecycle events (`document`): `freeze`, `pagehide`, `pageshow`. */
export interface LifecycleSource {
  addEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void
  removeEventListener(type: string, listener: (event: { persisted?: boolean }) => void): void
}

/** The browser pieces of tab sharing; any left out are looked up on `globalThis`. */
export interface TabsPlatform {
  locks: LockManagerLike
  BroadcastChannel: BroadcastChannelConstructor
  /** @defaultValue `globalThis.document`, when there is one */
  lifecycle: LifecycleSource | undefined
}

/**
 * Fills in {@link TabsPlatform} from `globalThis`; `undefined` when Web Locks or `BroadcastChannel` is missing
 * (Node, old browsers, some embedded webviews): the client then keeps its connections per tab.
 */
export function resolveTabsPlatform(given: Partial<TabsPlatform> = {}): TabsPlatform | undefined {
  const g = globalThis as {
    navigator?: { locks?: LockManagerLike }
    BroadcastChannel?: BroadcastChannelConstructor
    document?: LifecycleSource
  }
  const locks = given.locks ?? g.navigator?.locks
  const Channel = given.BroadcastChannel ?? g.BroadcastChannel
  if (locks === undefined || typeof locks.request !== 'function' || typeof Channel !== 'function') return undefined
  const lifecycle =
    'lifecycle' in given ? given.lifecycle : typeof g.document?.addEventListener === 'function' ? g.document : undefined
  return { locks, BroadcastChannel: Channel, lifecycle }
}
