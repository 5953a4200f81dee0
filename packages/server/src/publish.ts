/**
 * The one publish path for clients, shared by `POST B/publish` and the WebSocket `publish` frame, so both honour
 * R3, R4, R25 and `mid` idempotency (R22) identically.
 */
import type { IncomingMessage } from 'node:http'
import type { Json } from '@switchline/client/protocol'
import { SendNotAllowedError, SwitchlineServerError } from './errors'
import type { PublishSource } from './options'
import type { ServerCore } from './server-core'

/** A publish request from a client, already decoded. */
export interface ClientPublish {
  channel: string
  data: Json
  event: string | undefined
  mid: string | undefined
  token: string | undefined
  request: IncomingMessage
  source: Exclude<PublishSource, 'server'>
}

/** Checks that a client may publish (R3, R4, R25). Rejects with a {@link SwitchlineServerError} when it may not. */
export async function authorizePublish(core: ServerCore, input: ClientPublish): Promise<void> {
  const def = core.channel(input.channel)
  if (def instanceof SwitchlineServerError) throw def
  if (!def.send) throw new SendNotAllowedError(input.channel)
  const denied = await core.authorize(input.token, input.channel, 'publish', input.request)
  if (denied) throw denied
}

/**
 * Appends an authorized publish (a repeated `mid` answers the original id, R22). Returns the event id, or a promise
 * of it on an asynchronous engine.
 */
export function appendPublish(core: ServerCore, input: ClientPublish): string | Promise<string> {
  return core.append(input.channel, input.data, { event: input.event, mid: input.mid, source: input.source })
}

/** Publishes for a client. Resolves the event id, or rejects with a {@link SwitchlineServerError}. */
export async function publishFromClient(core: ServerCore, input: ClientPublish): Promise<string> {
  await authorizePublish(core, input)
  return appendPublish(core, input)
}
