/** An SVG sparkline (area + line) of a series of counts. */
import { svg } from './dom'

const W = 200
const H = 40

export interface Sparkline {
  readonly element: SVGSVGElement
  draw(series: number[]): void
}

export function createSparkline(label: string): Sparkline {
  const element = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'sparkline', role: 'img' })
  element.setAttribute('aria-label', label)
  const area = svg('path', { class: 'sparkline-area' })
  const line = svg('path', { class: 'sparkline-line' })
  const dot = svg('circle', { class: 'sparkline-dot', r: '2.5' })
  element.append(area, line, dot)
  return {
    element,
    draw(series) {
      const max = Math.max(1, ...series)
      const step = series.length > 1 ? W / (series.length - 1) : W
      const points = series.map((v, i) => [i * step, H - 3 - (v / max) * (H - 8)] as const)
      const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join('')
      line.setAttribute('d', d)
      area.setAttribute('d', `${d}L${W},${H}L0,${H}Z`)
      const last = points[points.length - 1]
      if (last) {
        dot.setAttribute('cx', String(last[0] - 2.5))
        dot.setAttribute('cy', String(last[1]))
      }
    },
  }
}
