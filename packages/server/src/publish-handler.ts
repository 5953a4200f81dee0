/** `POST B/publish` (R22): JSON body `{channel, data, event?, mid?}` → `200 {"eventId"}`. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { decodePublishRequest } from '@switchline/client/protocol'
import { ChannelCapacityError, UnavailableError, toServerError } from './errors'
import { readBody, sendError, sendJson, sendRefusal } from './http-util'
import { appendPublish, authorizePublish, type ClientPublish } from './publish'
import type { ServerCore } from './server-core'

const JSON_TYPE_RE = /^application\/json\s*(;|$)/i

/** Serves one publish request. */
export async function handlePublish(core: ServerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    req.resume()
    sendError(req, res, 'bad_request', 'publish with POST')
    return
  }
  const refusal = core.admit('publish', req)
  if (refusal) {
    req.resume()
    sendRefusal(req, res, refusal)
    return
  }
  if (!JSON_TYPE_RE.test(req.headers['content-type'] ?? '')) {
    req.resume()
    sendError(req, res, 'unsupported_media_type', 'Content-Type must be application/json')
    return
  }
  const body = await readBody(req, core.options.maxFrameBytes)
  if (!body.ok) {
    if (body.reason === 'too_large') {
      // the rest of the body is not read; do not let the client reuse this connection
      res.shouldKeepAlive = false
      sendError(req, res, 'payload_too_large', `body over ${core.options.maxFrameBytes} bytes`)
    } else res.destroy()
    return
  }
  const decoded = decodePublishRequest(body.text)
  if (!decoded.ok) {
    sendError(req, res, 'bad_request', `bad publish body: ${decoded.reason}`)
    return
  }
  try {
    // Each publish request is its own connection: `connect` first, then `publish` for the channel (R25).
    const token = await core.authorizeConnect(req)
    const { channel, data, event, mid } = decoded.value
    const publish: ClientPublish = { channel, data, event, mid, token, request: req, source: 'http' }
    await authorizePublish(core, publish)
    // The hooks have seen the token; a fault may still answer as if it had been rejected (nothing is published).
    const late = core.afterAuthorize('publish', req)
    if (late) {
      sendRefusal(req, res, late)
      return
    }
    sendJson(req, res, 200, { eventId: await appendPublish(core, publish) })
  } catch (err) {
    const error = toServerError(err)
    const retryAfterSeconds =
      error instanceof ChannelCapacityError
        ? Math.ceil(error.retryAfterMs / 1000)
        : error instanceof UnavailableError // R24: the engine cannot append now; the client retries with the same `mid` (R22)
          ? error.retryAfterSeconds
          : undefined
    sendError(req, res, error.code, error.message, {
      ...(error.channel !== undefined ? { channel: error.channel } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    })
  }
}
