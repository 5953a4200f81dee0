/**
 * The control protocol between the browser tests and the Node side (global-setup.ts): the browser starts a server
 * module and drives its hooks over HTTP, since the servers run in Node.
 *
 * - `POST /start` `{ server }` → {@link RemoteInfo}
 * - `POST /call` `{ handle, hook, args }` → `{ result }` (a hook of {@link ServerHandle}, `close` included)
 */
import type { ServerHandle, UserOptions } from '../../src/harness/types'

/** What the browser learns of a started server. */
export interface RemoteInfo {
  handle: string
  id: string
  kind: 'sse' | 'websocket'
  url: string
  llmBaseUrl: string | undefined
  resumes: boolean
  heartbeatMs: number | undefined
  userOptions: UserOptions
}

/** The hooks the browser may call. */
export const HOOKS = ['publish', 'streams', 'llmRequests', 'drop', 'freeze', 'closeWith', 'appPings', 'close'] as const
export type Hook = (typeof HOOKS)[number] & keyof ServerHandle
