/**
 * The reconnect timeline: one bar per attempt, its height the delay the client waited (jitter included) against
 * the backoff cap, so full jitter is visible at a glance. Each bar carries `data-attempt` and `data-delay-ms`.
 */
import { h, setText } from './dom'

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
  const summary = h('span', { class: 'muted', 'data-testid': 'reconnect-summary' }, 'no reconnects yet')
  const element = h(
    'section',
    { class: 'panel timeline' },
    h('header', { class: 'panel-head' }, h('span', {}, 'Reconnects'), summary),
    h('div', { class: 'timeline-plot' }, h('span', { class: 'timeline-cap' }, `cap ${formatMs(capMs)}`), bars),
  )
  let count = 0
  return {
    element,
    add(entry) {
      count += 1
      const pct = Math.max(2, Math.min(100, (entry.delayMs / capMs) * 100))
      const bar = h(
        'li',
        {
          class: 'timeline-bar',
          'data-testid': 'reconnect',
          'data-attempt': String(entry.attempt),
          'data-delay-ms': String(Math.round(entry.delayMs)),
          title: `attempt ${entry.attempt} after ${Math.round(entry.delayMs)} ms — ${entry.reason}`,
        },
        h('span', { class: 'timeline-value' }, formatMs(entry.delayMs)),
        h('span', { class: 'timeline-fill', style: `height:calc(${pct.toFixed(1)}% - 12px)` }),
        h('span', { class: 'timeline-label' }, `#${entry.attempt}`),
      )
      bars.append(bar)
      while (bars.children.length > SHOWN) bars.firstElementChild?.remove()
      setText(summary, `${count} · last ${formatMs(entry.delayMs)} · ${entry.reason}`)
      summary.title = entry.reason
    },
  }
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`
}
