/**
 * A real reconnect storm on loopback, at a scale this machine holds: `clients` Switchline clients (one
 * WebSocket each, `createClient` with the default reconnect policy) on @switchline/server, which is restarted
 * through its fault injector (`restart({ keepLog: true, downMs })`: WebSockets close with 1012, upgrades get
 * 503 + Retry-After while down). The same with socket.io-client (default reconnection) against a socket.io server
 * that is closed and listens again after `downMs`. The server here has no admission limit: the curve is the
 * policy's own spread.
 */
import { io, type Socket } from 'socket.io-client'
import type { Ctl } from './ctl'
import type { ServerInfo } from './server-child'
import { histogram, percentile } from './stats'
import { createClient, type BenchSchema } from './switchline'
import { tick, waitUntil } from './wait'
import type { Client } from '@switchline/client'
import type { ServerStats } from '@switchline/server'
import type { FaultStats } from '@switchline/server/testing'

export interface StormRealRow {
  id: string
  label: string
  clients: number
  downMs: number
  /** Clients connected before the restart. */
  connectedBefore: number
  /** Clients back within the time limit. */
  back: number
  allBackMs: number | null
  p50BackMs: number | null
  p99BackMs: number | null
  /** Connection attempts after the restart, counted by the clients. */
  attempts: number
  /** Connection attempts the server saw (accepted + refused), where it can tell. */
  serverAttempts: number | null
  arrivalsPer100ms: number[]
  error?: string
}

function summarize(
  backTimes: number[],
  clients: number,
): Pick<StormRealRow, 'back' | 'allBackMs' | 'p50BackMs' | 'p99BackMs' | 'arrivalsPer100ms'> {
  return {
    back: backTimes.length,
    allBackMs: backTimes.length === clients ? Math.max(...backTimes) : null,
    p50BackMs: backTimes.length ? percentile(backTimes, 50) : null,
    p99BackMs: backTimes.length ? percentile(backTimes, 99) : null,
    arrivalsPer100ms: histogram(backTimes, 100),
  }
}

/** The server child's `sl-stats` reply. */
interface SlStats {
  stats: ServerStats
  faults: FaultStats
}

async function switchlineStorm(
  info: ServerInfo,
  ctl: Ctl,
  clients: number,
  downMs: number,
  limitMs: number,
): Promise<StormRealRow> {
  let restartAt = Number.POSITIVE_INFINITY
  let attempts = 0
  const openNow = new Set<number>()
  const backAt = new Map<number, number>()
  const list: Client<BenchSchema>[] = []
  for (let i = 0; i < clients; i++) {
    const client = createClient<BenchSchema>({
      url: info.slBaseUrl,
      transport: 'websocket',
      onConnectionState: (c) => {
        const now = performance.now()
        if (c.to === 'open') {
          openNow.add(i)
          if (now > restartAt && !backAt.has(i)) backAt.set(i, now - restartAt)
        } else openNow.delete(i)
        if (c.to === 'connecting' && now > restartAt) attempts++
      },
    })
    client.subscribe('bench', { key: `storm${i}` })
    list.push(client)
    if (i % 50 === 49) await tick(50) // connect in waves, not all in one backlog
  }
  try {
    await waitUntil(() => openNow.size === clients, 30_000)
    const connectedBefore = openNow.size
    const before = await ctl.request<SlStats>({ op: 'sl-stats' })
    restartAt = performance.now()
    await ctl.request({ op: 'sl-restart', downMs })
    await waitUntil(() => backAt.size === connectedBefore, limitMs)
    const after = await ctl.request<SlStats>({ op: 'sl-stats' })
    // upgradesRefused includes the fault injector's 503s while down
    const serverAttempts =
      after.stats.ws.accepted -
      before.stats.ws.accepted +
      (after.stats.ws.upgradesRefused - before.stats.ws.upgradesRefused)
    return {
      id: 'switchline',
      label: 'Switchline `createClient` (WebSocket, default policy) on @switchline/server `restart()`',
      clients,
      downMs,
      connectedBefore,
      attempts,
      serverAttempts,
      ...summarize([...backAt.values()], connectedBefore),
    }
  } finally {
    for (const c of list) c.close()
  }
}

async function socketIoStorm(
  info: ServerInfo,
  ctl: Ctl,
  clients: number,
  downMs: number,
  limitMs: number,
): Promise<StormRealRow> {
  let restartAt = Number.POSITIVE_INFINITY
  let attempts = 0
  const backAt = new Map<number, number>()
  const sockets: Socket[] = []
  for (let i = 0; i < clients; i++) {
    const s = io(`http://127.0.0.1:${info.sioPort}`, { transports: ['websocket'], forceNew: true })
    s.io.on('reconnect_attempt', () => attempts++)
    s.on('connect', () => {
      const now = performance.now()
      if (now > restartAt && !backAt.has(i)) backAt.set(i, now - restartAt)
    })
    sockets.push(s)
    if (i % 50 === 49) await tick(50)
  }
  try {
    await waitUntil(() => sockets.every((s) => s.connected), 30_000)
    const connectedBefore = sockets.filter((s) => s.connected).length
    const before = await ctl.request<{ accepted: number }>({ op: 'sio-stats' })
    restartAt = performance.now()
    await ctl.request({ op: 'sio-restart', downMs })
    await waitUntil(() => backAt.size === connectedBefore, limitMs)
    const after = await ctl.request<{ accepted: number }>({ op: 'sio-stats' })
    return {
      id: 'socket.io',
      label: 'socket.io-client (websocket transport, default reconnection) on a restarted socket.io server',
      clients,
      downMs,
      connectedBefore,
      attempts,
      // refused attempts (port closed while down) never reach the server, so only accepted ones are known
      serverAttempts: after.accepted - before.accepted,
      ...summarize([...backAt.values()], connectedBefore),
    }
  } finally {
    for (const s of sockets) s.close()
  }
}

export async function runStormReal(opts: {
  info: ServerInfo
  ctl: Ctl
  clients: number
  downMs?: number
  limitMs?: number
  log?: (s: string) => void
}): Promise<StormRealRow[]> {
  const log = opts.log ?? (() => {})
  const downMs = opts.downMs ?? 1000
  const limitMs = opts.limitMs ?? 45_000
  const rows: StormRealRow[] = []
  for (const run of [switchlineStorm, socketIoStorm]) {
    const row = await run(opts.info, opts.ctl, opts.clients, downMs, limitMs).catch(
      (error: unknown): StormRealRow => ({
        id: run === switchlineStorm ? 'switchline' : 'socket.io',
        label: run === switchlineStorm ? 'Switchline' : 'socket.io-client',
        clients: opts.clients,
        downMs,
        connectedBefore: 0,
        back: 0,
        allBackMs: null,
        p50BackMs: null,
        p99BackMs: null,
        attempts: 0,
        serverAttempts: null,
        arrivalsPer100ms: [],
        error: String((error as Error).message ?? error),
      }),
    )
    log(
      `  ${row.id.padEnd(10)} ${row.back}/${row.connectedBefore} back, all back ${row.allBackMs == null ? 'never' : `${Math.round(row.allBackMs)} ms`}, attempts ${row.attempts} (server saw ${row.serverAttempts ?? '?'})${row.error ? ` ERROR ${row.error}` : ''}`,
    )
    rows.push(row)
    await tick(500)
  }
  return rows
}
