/** `GET B/sse` (R10–R15): checks, admission and authorization of an SSE request; the stream itself is sse-stream.ts. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PROTOCOL_DEFAULTS } from '@switchline/client/protocol'
import { type SwitchlineServerError, toServerError } from './errors'
import { requestUrl, sendError, sendRefusal } from './http-util'
import type { ServerCore } from './server-core'
import { openSseStream } from './sse-stream'

interface Accepted {
  channel: string
  cursor: string | undefined
}

/** Parses `channels`: `undefined` when missing, empty or over-long (R10). Duplicates are removed. */
export function parseChannelsParam(value: string | null): string[] | undefined {
  if (value === null) return undefined
  const list = [
    ...new Set(
      value
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    ),
  ]
  if (list.length === 0 || list.length > PROTOCOL_DEFAULTS.maxChannelsPerStream) return undefined
  return list
}

/** The cursor of one channel: `since.<ch>`, else `Last-Event-ID`, else `lastEventId` (§5). */
function cursorFor(channel: string, url: URL, req: IncomingMessage): string | undefined {
  const since = url.searchParams.get(`since.${channel}`)
  if (since !== null && since !== '') return since
  const header = req.headers['last-event-id']
  if (typeof header === 'string' && header !== '') return header
  const param = url.searchParams.get('lastEventId')
  return param !== null && param !== '' ? param : undefined
}

/** Serves one SSE request. */
export async function handleSse(core: ServerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET') {
    sendError(req, res, 'bad_request', 'the SSE endpoint takes GET')
    return
  }
  const refusal = core.admit('sse', req)
  if (refusal) {
    sendRefusal(req, res, refusal)
    return
  }
  if (core.limitConnection('sse') !== undefined) {
    sendError(req, res, 'unavailable', 'too many new connections', { retryAfterSeconds: 1 })
    return
  }
  const url = requestUrl(req)
  const channels = parseChannelsParam(url.searchParams.get('channels'))
  if (!channels) {
    sendError(req, res, 'bad_request', `channels must list 1-${PROTOCOL_DEFAULTS.maxChannelsPerStream} channels`)
    return
  }
  const accepted: Accepted[] = []
  const rejected: SwitchlineServerError[] = []
  try {
    const token = await core.authorizeConnect(req)
    for (const channel of channels) {
      const error = await core.authorizeSubscribe(token, channel, req)
      if (error?.code === 'unauthorized' || error?.code === 'internal') throw error
      if (error) rejected.push(error)
      else accepted.push({ channel, cursor: cursorFor(channel, url, req) })
    }
  } catch (err) {
    const error = toServerError(err)
    sendError(req, res, error.code, error.message, error.channel !== undefined ? { channel: error.channel } : {})
    return
  }
  if (req.socket.destroyed) return
  // The hooks have seen the token; a fault may still answer as if it had been rejected.
  const late = core.afterAuthorize('sse', req)
  if (late) {
    sendRefusal(req, res, late)
    return
  }
  await openSseStream(core, req, res, accepted, rejected)
}
