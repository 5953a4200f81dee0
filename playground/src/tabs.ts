/**
 * `/tabs.html`: `createTabsClient` from `@switchline/client/tabs` on the channels of `?channels=` (`name` or
 * `name:key`; `chat` sends). Open it in several tabs: one holds the SSE stream and the WebSocket, the others ride
 * along over BroadcastChannel; close that one and another takes over. `window.__tabs` is the test surface
 * (e2e/tests/tabs.spec.ts): this tab's role, the ids each channel delivered, and `send(channel, data)`.
 */
import { createTabsClient, type TabRole } from '@switchline/client/tabs'
import { splitChannel } from './config'

type Schema = Record<string, { receive: unknown; send: unknown }>

const channels = (new URLSearchParams(location.search).get('channels') ?? '').split(',').filter((c) => c !== '')
const roleView = document.getElementById('role') as HTMLElement
const list = document.getElementById('channels') as HTMLUListElement
const setRole = (role: TabRole): void => {
  roleView.textContent = role
  document.body.dataset.role = role
}
const client = createTabsClient<Schema>({
  url: new URL('/rt', location.href).href,
  sendChannels: ['chat'],
  onRole: setRole,
})
setRole(client.role)

const ids: Record<string, string[]> = {}
const subs = new Map<string, ReturnType<typeof client.subscribe>>()
for (const id of channels) {
  const item = document.createElement('li')
  item.dataset.channel = id
  item.dataset.state = 'connecting'
  item.textContent = id
  list.append(item)
  const { name, key } = splitChannel(id)
  const seen: string[] = (ids[id] = [])
  subs.set(
    id,
    client.subscribe(name, {
      ...(key !== undefined ? { key } : {}),
      onState: ({ to }) => void (item.dataset.state = to),
      onTransport: ({ to }) => void (item.dataset.transport = to),
      onEvent: (_data, meta) => {
        if (meta.id !== undefined) seen.push(meta.id)
        item.dataset.count = String(seen.length)
      },
    }),
  )
}

declare global {
  interface Window {
    __tabs: {
      readonly role: TabRole
      ids: Record<string, string[]>
      send(channel: string, data: unknown): Promise<string>
    }
  }
}
window.__tabs = {
  get role() {
    return client.role
  },
  ids,
  async send(channel, data) {
    const sub = subs.get(channel) as { send?: (data: unknown) => Promise<{ eventId: string }> } | undefined
    if (!sub?.send) throw new Error(`not subscribed to ${channel}`)
    return (await sub.send(data)).eventId
  },
}
document.body.dataset.ready = 'true'
