/**
 * `@switchline/client/tabs`: one connection shared across the tabs of an origin (README, "Share one connection
 * across tabs"; docs/decisions/0027-tabs-leader.md).
 * @example
 * import { createTabsClient } from '@switchline/client/tabs'
 * const rt = createTabsClient({ url: 'https://api.example.com/rt' })
 */
export { createTabsClient } from './tabs-client'
export type { TabRole, TabsClient, TabsClientOptions, TabsOptions } from './tabs-client'
export type {
  BroadcastChannelConstructor,
  BroadcastChannelLike,
  LifecycleSource,
  LockManagerLike,
  TabsPlatform,
} from './tab-platform'
