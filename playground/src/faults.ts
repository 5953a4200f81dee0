/** The fault controls of the embedded server (`POST <base>/_faults/<action>`, `GET <base>/_faults/stats`). */

import type { ServerStats } from '@switchline/server'
import type { FaultStats } from '@switchline/server/testing'

/** What `GET <base>/_faults/stats` answers: `{ ...server.stats(), faults: faults.stats() }`. Type-only: no server code reaches the page. */
export type ServerStatsView = ServerStats & { faults: FaultStats }

export interface FaultControls {
  dropAll(): Promise<void>
  refuseWebSockets(on: boolean): Promise<void>
  /** Stalls one transport, or every connection without `transport`. */
  stall(on: boolean, transport?: 'sse' | 'ws'): Promise<void>
  stats(): Promise<ServerStatsView>
}

export function createFaultControls(baseUrl: string): FaultControls {
  async function post(action: string, body: object = {}): Promise<void> {
    const res = await fetch(`${baseUrl}/_faults/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`fault ${action}: HTTP ${res.status}`)
  }
  return {
    dropAll: () => post('dropAll'),
    refuseWebSockets: (on) => post('refuseWebSockets', { on }),
    stall: (on, transport) => post('stall', transport ? { on, transport } : { on }),
    async stats() {
      const res = await fetch(`${baseUrl}/_faults/stats`)
      if (!res.ok) throw new Error(`stats: HTTP ${res.status}`)
      return (await res.json()) as ServerStatsView
    },
  }
}
