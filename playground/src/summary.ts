/** One readable line for an event payload of the demo channels (anything else: compact JSON). */
export function summarize(data: unknown): string {
  if (data !== null && typeof data === 'object') {
    const o = data as Record<string, unknown>
    if (typeof o.symbol === 'string' && typeof o.price === 'number') return `${o.symbol}  ${o.price.toFixed(2)}`
    if (typeof o.iso === 'string') return `tick  ${o.iso.slice(11, 19)} UTC`
    if (typeof o.text === 'string') return typeof o.from === 'string' ? `${o.from}: ${o.text}` : o.text
  }
  const json = JSON.stringify(data) ?? String(data)
  return json.length > 80 ? `${json.slice(0, 79)}…` : json
}
