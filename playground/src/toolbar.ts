/**
 * The page header: title, the two shared connections, the server's live counts, and the fault buttons.
 */
import { h, setText } from './dom'
import type { FaultControls, ServerStatsView } from './faults'

export interface ToolbarHandlers {
  faults: FaultControls
  /** Switches the simulated outage. */
  setOffline(offline: boolean): void
}

export interface Toolbar {
  readonly element: HTMLElement
  setConnection(transport: string, state: string, reason: string | undefined): void
  setStats(stats: ServerStatsView): void
  setTokenCalls(n: number): void
  setOffline(offline: boolean): void
}

function toggle(testid: string, label: string, onChange: (on: boolean) => Promise<void> | void): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-toggle', 'data-testid': testid, 'aria-pressed': 'false' },
    label,
  )
  button.addEventListener('click', () => {
    const on = button.getAttribute('aria-pressed') !== 'true'
    button.setAttribute('aria-pressed', String(on))
    void Promise.resolve(onChange(on)).catch(() => button.setAttribute('aria-pressed', String(!on)))
  })
  return button
}

export function createToolbar(handlers: ToolbarHandlers): Toolbar {
  const { faults } = handlers
  const pill = (transport: string, label: string): HTMLElement =>
    h(
      'span',
      { class: 'pill', 'data-testid': `conn-${transport}`, 'data-state': 'idle' },
      h('i', { class: 'dot' }),
      `${label} `,
      h('b', {}, 'idle'),
    )
  const pills: Record<string, HTMLElement> = {
    sse: pill('sse', 'SSE stream'),
    websocket: pill('websocket', 'WebSocket'),
  }
  const stat = (testid: string, label: string): [HTMLElement, HTMLElement] => {
    const value = h('b', { 'data-testid': testid }, '0')
    return [h('span', { class: 'stat' }, value, ` ${label}`), value]
  }
  const [sseOpen, sseOpenValue] = stat('stat-sse-open', 'SSE open')
  const [wsOpen, wsOpenValue] = stat('stat-ws-open', 'WS open')
  const [published, publishedValue] = stat('stat-publishes', 'published')
  const [dropped, droppedValue] = stat('stat-dropped', 'dropped')
  const tokenCalls = h(
    'span',
    { class: 'stat', hidden: '' },
    h('b', { 'data-testid': 'token-calls' }, '0'),
    ' token calls',
  )

  const stalls = { ws: false, sse: false }
  // The server stalls one transport or all: both toggles on → all.
  const applyStall = (): Promise<void> =>
    stalls.ws && stalls.sse
      ? faults.stall(true)
      : faults.stall(stalls.ws || stalls.sse, stalls.ws ? 'ws' : stalls.sse ? 'sse' : undefined)

  const drop = h('button', { type: 'button', class: 'btn', 'data-testid': 'fault-drop' }, 'Drop connections')
  drop.addEventListener('click', () => void faults.dropAll())
  const offline = toggle('fault-offline', 'Go offline', (on) => handlers.setOffline(on))

  const element = h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'brand' },
      h('span', { class: 'logo', 'aria-hidden': 'true' }, '⇄'),
      h('div', {}, h('h1', {}, 'Switchline'), h('p', { class: 'muted' }, 'per-channel SSE / WebSocket, live')),
    ),
    h('div', { class: 'conns' }, pills.sse!, pills.websocket!),
    h('div', { class: 'stats', 'data-testid': 'server-stats' }, sseOpen, wsOpen, published, dropped, tokenCalls),
    h(
      'nav',
      { class: 'faults', 'aria-label': 'Fault injection' },
      drop,
      toggle('fault-block-ws', 'Block WebSocket', (on) => faults.refuseWebSockets(on)),
      toggle('fault-stall-ws', 'Stall WebSocket', (on) => ((stalls.ws = on), applyStall())),
      toggle('fault-stall-sse', 'Stall SSE', (on) => ((stalls.sse = on), applyStall())),
      offline,
    ),
  )

  return {
    element,
    setConnection(transport, state, reason) {
      const p = pills[transport]
      if (!p) return
      p.dataset.state = state
      setText(p.querySelector('b')!, state)
      p.title = reason ?? ''
    },
    setStats(stats) {
      setText(sseOpenValue, String(stats.sse.open))
      setText(wsOpenValue, String(stats.ws.open))
      setText(publishedValue, stats.publishes.toLocaleString('en-US'))
      setText(droppedValue, String(stats.faults.dropped))
    },
    setTokenCalls(n) {
      tokenCalls.hidden = false
      setText(tokenCalls.querySelector('b')!, String(n))
    },
    setOffline(on) {
      offline.setAttribute('aria-pressed', String(on))
      offline.textContent = on ? 'Back online' : 'Go offline'
    },
  }
}
