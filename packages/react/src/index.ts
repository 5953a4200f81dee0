/**
 * `@switchline/react` — React hooks over `@switchline/client`: `useChannel(client, channel, options)` for the
 * Switchline protocol, `useStream(url, options)` for any SSE or WebSocket endpoint, and `SwitchlineProvider` /
 * `useClient()` for one client per app. StrictMode-safe (a double mount opens one connection) and SSR-safe
 * (nothing connects on the server; hydration starts from the same snapshot). See README.md.
 * @example
 * import { useChannel } from '@switchline/react'
 * const { data: price, state } = useChannel(rt, 'ticker')
 */
export { useChannel } from './use-channel'
export { useStream } from './use-stream'
export { SwitchlineProvider, useClient } from './provider'
export type { SwitchlineProviderProps } from './provider'
export { createStreamStore } from './stream-store'
export type { OpenHandlers, StreamStore, StreamStoreOptions } from './stream-store'
export type {
  ChannelHookOptions,
  ChannelResult,
  HookOptions,
  HookSend,
  ReduceOptions,
  StreamHookOptions,
  StreamResult,
  StreamSnapshot,
  SubscriptionCallbacks,
} from './types'
