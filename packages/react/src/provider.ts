/**
 * One client per app, handed down by context: `<SwitchlineProvider client={rt}>` and `useClient<Schema>()`. The
 * app creates the client (once, outside render) and owns it; the provider never closes it.
 */
import { createContext, createElement, useContext, type ReactElement, type ReactNode } from 'react'
import { SwitchlineError, type ChannelSchema, type Client } from '@switchline/client'

const ClientContext = createContext<Client<ChannelSchema> | null>(null)
ClientContext.displayName = 'SwitchlineClient'

/** Props of {@link SwitchlineProvider}. */
export interface SwitchlineProviderProps<S extends ChannelSchema> {
  /** The app's client, from `createClient()`. Create it once (module scope, or `useState(() => createClient(…))`). */
  client: Client<S>
  children?: ReactNode
}

/**
 * Makes `client` the one {@link useClient} returns below it. Creating the client opens nothing (connections open
 * with the first subscription), so it is safe at module scope, in server rendering too.
 * @example
 * const rt = createClient<Schema>({ url: 'https://api.example.com/rt', sendChannels: ['chat'] })
 * createRoot(el).render(<SwitchlineProvider client={rt}><App /></SwitchlineProvider>)
 */
export function SwitchlineProvider<S extends ChannelSchema>({
  client,
  children,
}: SwitchlineProviderProps<S>): ReactElement {
  return createElement(ClientContext.Provider, { value: client as unknown as Client<ChannelSchema> }, children)
}

/**
 * The client of the nearest {@link SwitchlineProvider}, typed with the app's schema (the provider cannot check
 * it: name the same schema you created the client with).
 * @throws SwitchlineError `invalid_options` when there is no provider above the component.
 * @example
 * const rt = useClient<Schema>()
 * const { data } = useChannel(rt, 'ticker')
 */
export function useClient<S extends ChannelSchema = ChannelSchema>(): Client<S> {
  const client = useContext(ClientContext)
  if (client === null) {
    throw new SwitchlineError(
      'invalid_options',
      'useClient(): no <SwitchlineProvider client={…}> above this component',
      { fatal: true },
    )
  }
  return client as unknown as Client<S>
}
