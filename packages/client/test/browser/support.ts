/** Helpers of the browser suite: the real server's controls, and switches for the page's online/visible state. */
import { inject } from 'vitest'

/** The real server's base URL (from global-setup.ts). */
export const baseUrl = (): string => inject('switchlineUrl')

export interface ServerStats {
  sse: { open: number; accepted: number }
  ws: { open: number; accepted: number }
  faults: { dropped: number }
}

async function post(path: string, body: object): Promise<unknown> {
  const res = await fetch(`${baseUrl()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`)
  return res.json()
}

export const fault = (action: string, body: object = {}): Promise<unknown> => post(`/_faults/${action}`, body)
export const stats = async (): Promise<ServerStats> =>
  (await fetch(`${baseUrl()}/_faults/stats`)).json() as Promise<ServerStats>
/** One request to an `/sse` path as the server saw it (global-setup.ts). */
export interface SeenSseRequest {
  method: string
  url: string
  lastEventId: string | null
}

/** Every request to an `/sse` path the server has seen whose URL contains `marker` (preflights included). */
export async function sseRequests(marker: string): Promise<SeenSseRequest[]> {
  const all = (await (await fetch(`${new URL(baseUrl()).origin}/_test/sse-requests`)).json()) as SeenSseRequest[]
  return all.filter((r) => r.url.includes(marker))
}

export const publish = async (channel: string, data: unknown): Promise<string> =>
  ((await post('/publish', { channel, data })) as { eventId: string }).eventId

/**
 * Makes `navigator.onLine` answer `online` and fires the matching window event — what the browser does when the
 * network goes away (a page cannot cut its own network; Playwright's `setOffline` would cut the test runner too).
 */
export function setOnline(online: boolean): void {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online })
  window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}

/** Makes `document.visibilityState` answer `visible`/`hidden` and fires `visibilitychange`. */
export function setVisible(visible: boolean): void {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (visible ? 'visible' : 'hidden'),
  })
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => !visible })
  document.dispatchEvent(new Event('visibilitychange'))
}

/** Removes the overrides of {@link setOnline} and {@link setVisible}. */
export function restorePlatform(): void {
  delete (navigator as unknown as Record<string, unknown>).onLine
  delete (document as unknown as Record<string, unknown>).visibilityState
  delete (document as unknown as Record<string, unknown>).hidden
}

/**
 * Counts the SDK's SSE connection attempts as the page makes them: `fetch` calls for an `/sse` path (the default,
 * ADR 0008) and constructions of the native `EventSource` (and otherwise is them). While offline the browser fails
 * such requests itself, so only the page can tell whether the SDK tried. Restore with {@link restoreNatives}.
 */
export function countSseAttempts(): { fetches(): number; eventSources(): number } {
  let fetches = 0
  let eventSources = 0
  const Native = NATIVE_EVENT_SOURCE
  globalThis.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      eventSources += 1
      super(url, init)
    }
  }
  const nativeFetch = NATIVE_FETCH
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (new URL(url, location.href).pathname.endsWith('/sse')) fetches += 1
    return nativeFetch(input, init)
  }
  return { fetches: () => fetches, eventSources: () => eventSources }
}

const NATIVE_EVENT_SOURCE = globalThis.EventSource
const NATIVE_WEB_SOCKET = globalThis.WebSocket
const NATIVE_FETCH = globalThis.fetch

/** Puts the native `EventSource`, `WebSocket` and `fetch` back. */
export function restoreNatives(): void {
  globalThis.EventSource = NATIVE_EVENT_SOURCE
  globalThis.WebSocket = NATIVE_WEB_SOCKET
  globalThis.fetch = NATIVE_FETCH
}

/** Polls `check` on real timers until it returns true (fails after `timeoutMs`). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
