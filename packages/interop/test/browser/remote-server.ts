/**
 * A {@link ServerHandle} in the browser: the server runs in Node (global-setup.ts), every hook is one request to
 * the control server. SSE servers get `sse: 'fetch'` on top of their user options: the page is another origin,
 * and these servers read the cursor from the `Last-Event-ID` header only — what ADR 0008 tells such apps to set
 * (under `'auto'` the cursor would travel as a `lastEventId` query parameter, to keep the request preflight-free).
 */
import { inject } from 'vitest'
import type { ServerHandle } from '../../src/harness/types'
import type { Hook, RemoteInfo } from './control'

async function control<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${inject('interopControlUrl')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { result: T }).result
}

export async function startRemote(serverId: string): Promise<ServerHandle> {
  const info = await control<RemoteInfo>('/start', { server: serverId })
  const call = <T>(hook: Hook, ...args: unknown[]): Promise<T> =>
    control<T>('/call', { handle: info.handle, hook, args })
  return {
    id: info.id,
    kind: info.kind,
    url: info.url,
    llmBaseUrl: info.llmBaseUrl,
    resumes: info.resumes,
    heartbeatMs: info.heartbeatMs ?? undefined,
    userOptions: info.kind === 'sse' ? { ...info.userOptions, sse: 'fetch' } : info.userOptions,
    publish: (items) => call('publish', items),
    streams: () => call('streams'),
    llmRequests: () => call('llmRequests'),
    drop: () => call('drop'),
    freeze: () => call('freeze'),
    closeWith: (code, reason) => call('closeWith', code, reason),
    appPings: (intervalMs) => call('appPings', intervalMs),
    close: () => call('close'),
  }
}
