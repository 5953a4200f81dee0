/**
 * The reconnect timeline: one bar per attempt, its height the delay the client waited (jitter included) on a log
 * scale fitted to the delays shown — from the decade below the shortest one up to the backoff cap — with a
 * labelled tick per decade (10 ms, 100 ms, 1 s…). Delays of 120 ms and 180 ms get visibly different heights even
 * under a 5 s cap, so full jitter shows at every attempt. Each bar carries `data-attempt` and `data-delay-ms`.
 */
import { h, setText } from './dom'
import { logScale, type LogScale } from './timeline-scale'

export interface ReconnectEntry {
  attempt: number
  delayMs: number
  reason: string
  at: number
}

export interface Timeline {
  readonly element: HTMLElement
  add(entry: ReconnectEntry): void
}

const SHOWN = 16

export function createTimeline(capMs: number): Timeline {
  const bars = h('ol', { class: 'timeline-bars', 'data-testid': 'reconnect-timeline' })
  const ticks = h('div', { class: 'timeline-ticks', 'aria-hidden': 'true' })
  const summary = h('span', { class: 'muted', 'data-testid': 'reconnect-summary' }, 'no reconnects yet')
  const element = h(
    'section',
    { class: 'panel timeline' },
    h(
      'header',
      { class: 'panel-head' },
      h('span', { title: 'log scale: each tick is ten times the one below' }, 'Reconnects · log'),
      summary,
    ),
    h('div', { class: 'timeline-plot' }, ticks, bars),
  )
  const shown: Array<{ entry: ReconnectEntry; fill: HTMLElement; value: HTMLElement }> = []
  let count = 0

  const layout = (): void => {
    const scale = logScale(
      shown.map((s) => s.entry.delayMs),
      capMs,
    )
    drawTicks(ticks, scale, capMs)
    for (const { entry, fill, value } of shown) {
      const pct = (scale.at(entry.delayMs) * 100).toFixed(1)
      fill.style.height = `${pct}%`
      value.style.bottom = `${pct}%`
    }
  }
  layout()

  return {
    element,
    add(entry) {
      count += 1
      const fill = h('span', { class: 'timeline-fill' })
      const value = h('span', { class: 'timeline-value' }, formatMs(entry.delayMs))
      const bar = h(
        'li',
        {
          class: 'timeline-bar',
          'data-testid': 'reconnect',
          'data-attempt': String(entry.attempt),
          'data-delay-ms': String(Math.round(entry.delayMs)),
          title: `attempt ${entry.attempt} after ${Math.round(entry.delayMs)} ms — ${entry.reason}`,
        },
        fill,
        value,
        h('span', { class: 'timeline-label' }, `#${entry.attempt}`),
      )
      bars.append(bar)
      shown.push({ entry, fill, value })
      while (shown.length > SHOWN) {
        shown.shift()
        bars.firstElementChild?.remove()
      }
      layout()
      setText(summary, `${count} · last ${formatMs(entry.delayMs)} · ${entry.reason}`)
      summary.title = entry.reason
    },
  }
}

/** One line per decade in the scale's range, and the cap, each with its label. */
function drawTicks(ticks: HTMLElement, scale: LogScale, capMs: number): void {
  const lines = scale.decades().map((ms) => tick(`${(scale.at(ms) * 100).toFixed(1)}%`, formatMs(ms), 'timeline-tick'))
  lines.push(tick(`${(scale.at(capMs) * 100).toFixed(1)}%`, `cap ${formatMs(capMs)}`, 'timeline-tick timeline-cap'))
  ticks.replaceChildren(...lines)
}

function tick(bottom: string, label: string, cls: string): HTMLElement {
  return h('span', { class: cls, style: `bottom:${bottom}`, 'data-testid': 'timeline-tick' }, h('span', {}, label))
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`
}
