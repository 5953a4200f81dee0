/** Helpers of the React browser suite: the real server's controls and counts, and a bounded poll. */
import { inject } from 'vitest'
import type { Timers } from '@switchline/client'
import type { ServerStats } from '@switchline/server'
import type { FaultStats } from '@switchline/server/testing'

/** The real server's base URL (from global-setup.ts). */
export const baseUrl = (): string => inject('switchlineUrl')

/** What `GET B/_faults/stats` answers. */
export type Stats = ServerStats & { faults: FaultStats }

async function post(path: string, body: object): Promise<unknown> {
  const res = await fetch(`${baseUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`)
  return res.json()
}

export const fault = (action: string, body: object = {}): Promise<unknown> => post(`/_faults/${action}`, body)
export const stats = async (): Promise<Stats> => (await fetch(`${baseUrl()}/_faults/stats`)).json() as Promise<Stats>
/** Publishes over HTTP (`POST B/publish`) and returns the event id. */
export const publish = async (channel: string, data: unknown): Promise<string> =>
  ((await post('/publish', { channel, data })) as { eventId: string }).eventId

/** Polls `check` on real timers until it returns true (fails after `timeoutMs`). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Waits until the server has no open connection (a previous test's, closing). */
export const untilNoConnections = (): Promise<void> =>
  until(async () => {
    const s = await stats()
    return s.sse.open + s.ws.open === 0
  })

/** A fresh channel key per test, so channel counts never mix across tests. */
let seq = 0
export const uniqueKey = (name: string): string => `${name}-${Date.now().toString(36)}-${seq++}`

const NATIVE_FETCH = globalThis.fetch
const NATIVE_WEB_SOCKET = globalThis.WebSocket

/**
 * Counts the connections the page starts: `fetch` calls for an `/sse` path (how browsers stream SSE, ADR 0008)
 * and `WebSocket` constructions. A fetch aborted in the task that started it never reaches the server, so the
 * server's counts alone cannot tell one open from an open, a close and an open. Undo with {@link restoreNatives}.
 */
export function countConnections(): { sse(): number; ws(): number } {
  let sse = 0
  let ws = 0
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (new URL(url, location.href).pathname.endsWith('/sse')) sse += 1
    return NATIVE_FETCH(input, init)
  }
  globalThis.WebSocket = class extends NATIVE_WEB_SOCKET {
    constructor(url: string | URL, protocols?: string | string[]) {
      ws += 1
      super(url, protocols)
    }
  }
  return { sse: () => sse, ws: () => ws }
}

/** Puts the native `fetch` and `WebSocket` back. */
export function restoreNatives(): void {
  globalThis.fetch = NATIVE_FETCH
  globalThis.WebSocket = NATIVE_WEB_SOCKET
}

/** The client's `Timers` over the page's own, counting those pending (scheduled, neither fired nor cleared). */
export function countingTimers(): Timers & { readonly pending: number } {
  const pending = new Set<unknown>()
  return {
    setTimeout(fn, ms) {
      const handle: unknown = globalThis.setTimeout(() => {
        pending.delete(handle)
        fn()
      }, ms)
      pending.add(handle)
      return handle
    },
    clearTimeout(handle) {
      pending.delete(handle)
      globalThis.clearTimeout(handle as number)
    },
    now: () => Date.now(),
    get pending() {
      return pending.size
    },
  }
}
