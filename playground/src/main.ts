/** The playground page: one card per channel, the shared connections, server counts and fault buttons. */
import './style.css'
import { createChannelCard, type ChannelCard } from './channel-card'
import { createPlaygroundClient } from './client'
import { readConfig, SEND_CHANNELS, splitChannel } from './config'
import { h } from './dom'
import { createFaultControls } from './faults'
import { createSimulatedOnline } from './online'
import { createSurface } from './surface'
import { createToolbar } from './toolbar'

const config = readConfig(location.search)
const baseUrl = `${location.origin}/rt`
const surface = createSurface(config)
const faults = createFaultControls(baseUrl)
const online = createSimulatedOnline()

const trackOnline = (): void => {
  const now = online.isOnline()
  if (now === surface.online) return
  surface.online = now
  surface.offlineSince = now ? undefined : performance.now()
  document.body.dataset.online = String(now)
}
online.subscribe(trackOnline)

const toolbar = createToolbar({
  faults,
  setOffline(offline) {
    online.setSimulatedOnline(!offline)
    toolbar.setOffline(offline)
    // A page cannot cut its own network: the outage is the online source saying "offline" plus a drop.
    if (offline) void faults.dropAll()
  },
})

const client = createPlaygroundClient(baseUrl, config, {
  online,
  onTokenCall(n) {
    surface.tokenCalls = n
    toolbar.setTokenCalls(n)
  },
  onConnectionState(change) {
    const record = (surface.connections[change.transport] ??= { state: change.from, reason: undefined, changes: 0 })
    record.state = change.to
    record.reason = change.reason
    record.changes += 1
    toolbar.setConnection(change.transport, change.to, change.reason)
  },
})

const grid = h('main', { class: 'grid' })
const cards: ChannelCard[] = []

for (const id of config.channels) {
  const { name, key } = splitChannel(id)
  const record = surface.channels[id]!
  let card: ChannelCard | undefined
  const sub = client.subscribe(name, {
    ...(key !== undefined ? { key } : {}),
    onEvent(data, meta) {
      if (meta.id !== undefined) record.ids.push(meta.id)
      record.lastEventId = meta.id
      card?.addEvent(meta.id, data, Date.now())
    },
    onState(change) {
      record.state = change.to
      record.states.push({
        from: change.from,
        to: change.to,
        reason: change.reason,
        attempt: change.attempt,
        delayMs: change.delayMs,
        at: performance.now(),
      })
      if (change.to === 'reconnecting' && change.attempt !== undefined && change.delayMs !== undefined) {
        const entry = { attempt: change.attempt, delayMs: change.delayMs, reason: change.reason ?? '', at: Date.now() }
        record.reconnects.push(entry)
        card?.addReconnect(entry)
      }
      card?.setState(change.to, change.reason)
    },
    // The badge follows the SDK's transport changes as they happen, not the next event.
    onTransport(change) {
      record.transports.push({ ...change, at: performance.now() })
      refresh()
    },
    onGap(gap) {
      record.gaps += 1
      card?.addNote(`gap: events after ${gap.from} lost (${gap.reason})`, 'gap')
    },
    onError(error) {
      record.errors.push(`${error.code}: ${error.message}`)
      card?.addNote(`${error.code}: ${error.message}`, 'error')
    },
  })
  const refresh = (): void => {
    record.transport = sub.transport
    record.transportReason = sub.transportReason
    card?.setTransport(sub.transport, sub.transportReason)
  }
  const send =
    SEND_CHANNELS.has(name) && 'send' in sub
      ? async (text: string) => (await sub.send({ text, from: 'playground' })).eventId
      : undefined
  card = createChannelCard({ id, capMs: config.maxDelayMs, logSize: config.logSize, ...(send ? { send } : {}) })
  card.setState(sub.state, undefined)
  refresh()
  cards.push(card)
  grid.append(card.element)
}

const footer = h(
  'footer',
  { class: 'foot muted' },
  'Backoff: full jitter, first ceiling ',
  h('b', {}, `${config.initialDelayMs} ms`),
  ', cap ',
  h('b', {}, `${config.maxDelayMs} ms`),
  '. Tune with the URL query — see playground/README.md.',
)
document.body.append(toolbar.element, grid, footer)
document.body.dataset.ready = 'true'

setInterval(() => {
  const now = Date.now()
  for (const card of cards) card.tick(now)
}, 500)

// The re-probe countdown: the client says when it will try WebSocket again (it moves on after a failed re-probe).
setInterval(() => {
  const now = Date.now()
  surface.reprobeAt = client.reprobeAt
  for (const card of cards) card.setReprobe(client.reprobeAt, now)
}, 100)

const pollStats = (): void => {
  faults.stats().then(
    (stats) => toolbar.setStats(stats),
    () => undefined,
  )
}
pollStats()
setInterval(pollStats, 1000)
