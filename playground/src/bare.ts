/**
 * `/bare.html`: one `createClient` for the embedded server and the channels of `?channels=` (`name` or `name:key`),
 * nothing else — no cards, no timers of its own — for tests that open many pages at once (e2e/tests/http2.spec.ts).
 * Each channel is an `li[data-channel]` whose `data-state` follows `onState` and `data-last-event-id` the last event.
 */
import { createClient } from '@switchline/client'
import { splitChannel } from './config'

const channels = (new URLSearchParams(location.search).get('channels') ?? '').split(',').filter((c) => c !== '')
const client = createClient<Record<string, { receive: unknown }>>({ url: new URL('/rt', location.href).href })
const list = document.getElementById('channels') as HTMLUListElement

for (const id of channels) {
  const item = document.createElement('li')
  item.dataset.channel = id
  item.dataset.state = 'connecting'
  item.textContent = id
  list.append(item)
  const { name, key } = splitChannel(id)
  client.subscribe(name, {
    ...(key !== undefined ? { key } : {}),
    onState: ({ to }) => void (item.dataset.state = to),
    onEvent: (_data, meta) => void (item.dataset.lastEventId = meta.id),
  })
}
document.body.dataset.ready = 'true'
