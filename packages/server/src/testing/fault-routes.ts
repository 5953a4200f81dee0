/**
 * The HTTP face of the fault injector, served only when the server has `faults: true`:
 * `POST B/_faults/<action>` with a JSON body, `GET B/_faults/stats`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { toServerError } from '../errors'
import { readBody, sendError, sendJson } from '../http-util'
import type { Transport } from '../internals'
import type { SwitchlineServer } from '../server'
import type { FaultInjector } from './fault-types'

type Body = Record<string, unknown>

const isTransport = (v: unknown): v is Transport => v === 'sse' || v === 'ws'

/** An action: validates its body and applies it; returns an error message for a bad body. */
type Action = (faults: FaultInjector, body: Body) => string | undefined

const ACTIONS: Record<string, Action> = {
  dropAll: (f) => void f.dropAll(),
  drop(f, { transport }) {
    if (!isTransport(transport)) return 'transport must be "sse" or "ws"'
    f.drop(transport)
  },
  refuseWebSockets(f, { on, status }) {
    if (typeof on !== 'boolean') return 'on must be a boolean'
    if (status !== undefined && status !== 403 && status !== 502) return 'status must be 403 or 502'
    f.refuseWebSockets(on, status === undefined ? {} : { status })
  },
  stall(f, { on, transport }) {
    if (typeof on !== 'boolean') return 'on must be a boolean'
    if (transport !== undefined && !isTransport(transport)) return 'transport must be "sse" or "ws"'
    f.stall(on, transport === undefined ? {} : { transport })
  },
  delay(f, { ms }) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return 'ms must be a number >= 0'
    f.delay(ms)
  },
  injectMalformed(f, { transport }) {
    if (!isTransport(transport)) return 'transport must be "sse" or "ws"'
    f.injectMalformed(transport)
  },
  unauthorizeNext(f, { n }) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return 'n must be an integer >= 0'
    f.unauthorizeNext(n)
  },
  stopStreams: (f) => void f.stopStreams(),
  restart(f, { keepLog, downMs }) {
    if (typeof keepLog !== 'boolean') return 'keepLog must be a boolean'
    if (downMs !== undefined && (typeof downMs !== 'number' || !Number.isFinite(downMs) || downMs < 0)) {
      return 'downMs must be a number >= 0'
    }
    f.restart(downMs === undefined ? { keepLog } : { keepLog, downMs })
  },
  reset: (f) => void f.reset(),
}

/** The list of action names (for docs and `GET B/_faults/`). */
export const FAULT_ACTIONS: readonly string[] = Object.keys(ACTIONS)

const statsOf = (faults: FaultInjector, server: SwitchlineServer<boolean>): object => ({
  ...server.stats(),
  faults: faults.stats(),
})

/** Serves one fault route. Returns false for an unknown path (the server answers 404). */
export function handleFaultRequest(
  faults: FaultInjector,
  server: SwitchlineServer<boolean>,
  rest: string,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (rest === 'stats') {
    if (req.method !== 'GET') sendError(req, res, 'bad_request', 'use GET')
    else sendJson(req, res, 200, statsOf(faults, server))
    return true
  }
  const action = Object.hasOwn(ACTIONS, rest) ? ACTIONS[rest] : undefined
  if (!action) return false
  if (req.method !== 'POST') {
    req.resume()
    sendError(req, res, 'bad_request', 'use POST')
    return true
  }
  serveAction(faults, server, rest, action, req, res).catch((err: unknown) => {
    // never an unhandled rejection: a failing action (or a broken request) is answered 500 internal
    const error = toServerError(err)
    if (res.headersSent) res.destroy()
    else sendError(req, res, error.code, error.message)
  })
  return true
}

async function serveAction(
  faults: FaultInjector,
  server: SwitchlineServer<boolean>,
  name: string,
  action: Action,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const body = await readBody(req, 65_536)
  if (!body.ok) {
    if (body.reason === 'too_large') sendError(req, res, 'payload_too_large', 'body too large')
    else res.destroy()
    return
  }
  let parsed: unknown = {}
  if (body.text.trim() !== '') {
    try {
      parsed = JSON.parse(body.text)
    } catch {
      return sendError(req, res, 'bad_request', 'body is not JSON')
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return sendError(req, res, 'bad_request', 'body must be a JSON object')
  }
  const problem = action(faults, parsed as Body)
  if (problem !== undefined) sendError(req, res, 'bad_request', problem)
  else sendJson(req, res, 200, { ok: true, action: name, stats: statsOf(faults, server) })
}
