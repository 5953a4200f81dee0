/**
 * One channel's card: transport and why (with a countdown to the next WebSocket re-probe while the channel rides
 * SSE + POST because WebSocket is blocked), state, last event id, events/s sparkline, reconnect timeline, live
 * event log, and a send box for channels that send. Every value a test reads has a `data-testid`.
 */
import { clockTime, h, setText } from './dom'
import { createRateTracker } from './rate'
import { createSparkline } from './sparkline'
import { summarize } from './summary'
import { createTimeline, type ReconnectEntry } from './timeline'

export interface ChannelCardOptions {
  id: string
  capMs: number
  logSize: number
  /** Present for channels that send: called with the text typed; resolves to the event id. */
  send?: (text: string) => Promise<string | undefined>
}

export interface ChannelCard {
  readonly element: HTMLElement
  setState(state: string, reason: string | undefined): void
  setTransport(transport: string | undefined, reason: string | undefined): void
  /**
   * The client's next WebSocket re-probe (`client.reprobeAt`, ms since epoch; `undefined`: none scheduled) and the
   * time now: shown as a countdown while the channel rides SSE + POST because WebSocket is blocked.
   */
  setReprobe(at: number | undefined, now: number): void
  addEvent(id: string | undefined, data: unknown, now: number): void
  addReconnect(entry: ReconnectEntry): void
  addNote(text: string, kind: 'gap' | 'error'): void
  /** Redraws the rate and sparkline. */
  tick(now: number): void
}

const TRANSPORT_LABEL: Record<string, string> = { sse: 'SSE', websocket: 'WebSocket' }

/** The SDK's `transportReason` while WebSocket is blocked (TRANSPORT_REASONS.blocked). */
export const BLOCKED_REASON = 'WebSocket blocked → SSE + POST'

export function createChannelCard(options: ChannelCardOptions): ChannelCard {
  const t = (testid: string, cls: string, text = ''): HTMLElement =>
    h('span', { class: cls, 'data-testid': testid }, text)
  const transport = t('transport', 'badge badge-transport', '—')
  const state = t('state', 'state', 'connecting')
  const reason = t('transport-reason', 'reason', 'choosing a transport…')
  const stateReason = t('state-reason', 'state-reason muted')
  const reprobe = t('reprobe-countdown', 'reprobe')
  reprobe.hidden = true
  let blocked = false
  const lastId = t('last-event-id', 'mono', '—')
  const count = t('event-count', 'mono', '0')
  const rate = t('rate', 'rate mono', '0/s')
  const rates = createRateTracker()
  const sparkline = createSparkline(`${options.id} events per second`)
  const timeline = createTimeline(options.capMs)
  const log = h('ol', { class: 'log', 'data-testid': 'event-log' })
  let events = 0

  const element = h(
    'article',
    { class: 'card', 'data-testid': `card-${options.id}`, 'data-state': 'connecting' },
    h('header', { class: 'card-head' }, h('h2', {}, options.id), transport, state),
    h('p', { class: 'card-sub' }, reason, reprobe, stateReason),
    h(
      'dl',
      { class: 'facts' },
      h('div', {}, h('dt', {}, 'last event id'), h('dd', {}, lastId)),
      h('div', {}, h('dt', {}, 'events'), h('dd', {}, count)),
    ),
    h(
      'section',
      { class: 'panel' },
      h('header', { class: 'panel-head' }, h('span', {}, 'Events / s'), rate),
      sparkline.element,
    ),
    timeline.element,
    h('section', { class: 'panel log-panel' }, h('header', { class: 'panel-head' }, h('span', {}, 'Live log')), log),
  )
  if (options.send) element.append(sendBox(options.send))

  const prepend = (li: HTMLElement): void => {
    log.prepend(li)
    while (log.children.length > options.logSize) log.lastElementChild?.remove()
  }

  return {
    element,
    setState(next, why) {
      setText(state, next)
      element.dataset.state = next
      setText(stateReason, why ? `· ${why}` : '')
    },
    setTransport(kind, why) {
      setText(transport, kind ? (TRANSPORT_LABEL[kind] ?? kind) : '—')
      transport.dataset.transport = kind ?? ''
      setText(reason, why ?? '')
      blocked = kind === 'sse' && why === BLOCKED_REASON
      if (!blocked) reprobe.hidden = true
    },
    setReprobe(at, now) {
      if (!blocked) return
      reprobe.hidden = false
      reprobe.dataset.reprobeAt = at === undefined ? '' : String(at)
      setText(
        reprobe,
        at === undefined
          ? 're-probing WebSocket…'
          : `WebSocket re-probe in ${Math.max(0, (at - now) / 1000).toFixed(1)} s`,
      )
    },
    addEvent(id, data, now) {
      events += 1
      rates.record(now)
      setText(count, events.toLocaleString('en-US'))
      setText(lastId, id ?? '—')
      prepend(
        h(
          'li',
          { 'data-id': id ?? '' },
          h('time', {}, clockTime(now)),
          h('span', { class: 'log-id' }, id ?? ''),
          h('span', { class: 'log-data' }, summarize(data)),
        ),
      )
    },
    addReconnect(entry) {
      timeline.add(entry)
    },
    addNote(text, kind) {
      prepend(h('li', { class: `note note-${kind}` }, h('time', {}, clockTime(Date.now())), h('span', {}, text)))
    },
    tick(now) {
      sparkline.draw(rates.series(now))
      setText(rate, `${rates.perSecond(now)}/s`)
    },
  }
}

function sendBox(send: (text: string) => Promise<string | undefined>): HTMLElement {
  const input = h('input', {
    type: 'text',
    placeholder: 'Say something…',
    'data-testid': 'send-input',
    maxlength: '200',
  })
  const button = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'send-button' }, 'Send')
  const status = h('span', { class: 'send-status muted', 'data-testid': 'send-status' })
  const form = h('form', { class: 'send' }, input, button, status)
  let sent = 0
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const text = input.value.trim() || `hello #${sent + 1}`
    input.value = ''
    sent += 1
    setText(status, 'sending…')
    send(text).then(
      (eventId) => setText(status, `delivered as ${eventId ?? '?'}`),
      (err: unknown) => setText(status, `failed: ${err instanceof Error ? err.message : String(err)}`),
    )
  })
  return form
}
