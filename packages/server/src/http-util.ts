/** Small HTTP helpers: origin allow-list, known hosts and CORS (R21), JSON error bodies (§7), body reading, raw refusals. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import { ERROR_CODES, type ErrorPayload, type ProtocolErrorCode } from '@switchline/client/protocol'
import type { Refusal } from './types'

/** Headers a browser client may send cross-origin. */
export const CORS_ALLOW_HEADERS = 'Authorization, Content-Type, Last-Event-ID'

/**
 * Whether the request's origin is allowed (R21):
 * - `'*'`, or an `Origin` on the list: allowed;
 * - no `Origin`: allowed (non-browser clients) — unless `Sec-Fetch-Site: same-origin` says a browser page of the
 *   request's own host sent it (browsers leave `Origin` out of same-origin GETs), which is then checked as below;
 * - an `Origin` whose host equals the request's `Host` (a page of this server): allowed only when that host is one
 *   the server knows it is served as ({@link isKnownHost}). A DNS-rebinding page (`Host: attacker.example:PORT`
 *   resolving to this server, with a matching `Origin`) names a host nobody configured, and is refused.
 */
export function isOriginAllowed(req: IncomingMessage, allowed: readonly string[] | '*'): boolean {
  if (allowed === '*') return true
  const origin = req.headers.origin
  const host = hostOf(req)
  if (origin === undefined) return req.headers['sec-fetch-site'] !== 'same-origin' || isKnownHost(host, allowed)
  if (allowed.includes(origin)) return true
  try {
    return new URL(origin).host === host && isKnownHost(host, allowed)
  } catch {
    return false
  }
}

/** The message of an origin refusal (R21). */
export const ORIGIN_REFUSED = 'origin not allowed: list it in allowedOrigins (R21)'

/** The host a request names: `Host`, or HTTP/2's `:authority`. */
export function hostOf(req: IncomingMessage): string | undefined {
  const { host } = req.headers
  if (host !== undefined) return host
  const authority = req.headers[':authority']
  return typeof authority === 'string' ? authority : undefined
}

/** Hosts (`name:port`) of the allowed origins, parsed once per list. */
const allowedHostsCache = new WeakMap<readonly string[], ReadonlySet<string>>()

function allowedHosts(allowed: readonly string[]): ReadonlySet<string> {
  let hosts = allowedHostsCache.get(allowed)
  if (!hosts) {
    hosts = new Set(
      allowed.flatMap((origin) => {
        try {
          return [new URL(origin).host]
        } catch {
          return []
        }
      }),
    )
    allowedHostsCache.set(allowed, hosts)
  }
  return hosts
}

/**
 * Whether `host` (a `Host` header) is one the server knows it is served as — what a DNS-rebinding page cannot name:
 * - `localhost` and `*.localhost` (browsers resolve them to loopback themselves, RFC 6761) and IP literals
 *   (no DNS involved): the names of a server reached on loopback, on a LAN address or in a container;
 * - the host of an origin in `allowedOrigins` (list your public origin there when the server is served under a name).
 */
export function isKnownHost(host: string | undefined, allowed: readonly string[]): boolean {
  if (host === undefined) return false
  let url: URL
  try {
    url = new URL(`http://${host}`)
  } catch {
    return false
  }
  const name = url.hostname
  // Only a name the parser kept as written: not `user@localhost`, not `0x7f.1` (read as 127.0.0.1), no path.
  const written = (
    host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] as string)
  ).toLowerCase()
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || written !== name) return false
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0) return true
  return allowedHosts(allowed).has(url.host)
}

/** CORS response headers for an allowed request (none when the request has no Origin). */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin
  if (origin === undefined) return {}
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Expose-Headers': 'Retry-After',
    Vary: 'Origin',
  }
}

/** Answers a CORS preflight with 204. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...corsHeaders(req),
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS,
    'Access-Control-Max-Age': '600',
    'Content-Length': '0',
  })
  res.end()
}

/** The JSON error body of a protocol error (§7). */
export function errorBody(code: ProtocolErrorCode, message: string, channel?: string): ErrorPayload {
  const body: ErrorPayload = { code, message, fatal: ERROR_CODES[code].fatal }
  if (channel !== undefined) body.channel = channel
  return body
}

/** Sends a JSON response. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  cors = true,
): void {
  if (res.headersSent) {
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...(cors ? corsHeaders(req) : {}),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(text)
}

/** Sends a protocol error with the status of its code (or `status` when given, e.g. 401 for refusals). */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  code: ProtocolErrorCode,
  message: string,
  options: {
    channel?: string
    status?: number
    retryAfterSeconds?: number
    cors?: boolean
    headers?: Record<string, string>
  } = {},
): void {
  const status = options.status ?? ERROR_CODES[code].status ?? 500
  const headers = { ...options.headers, ...retryAfterHeader(options.retryAfterSeconds) }
  sendJson(req, res, status, errorBody(code, message, options.channel), headers, options.cors ?? true)
}

/** The `Retry-After` header of a refusal or error, none when `seconds` is `undefined`. */
export function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'Retry-After': String(seconds) }
}

/** Answers a hook's refusal: its status and error body (`204` has none), with `Retry-After` when it has one. */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  if (refusal.status === 204) {
    res.writeHead(204, corsHeaders(req))
    res.end()
    return
  }
  const { status, retryAfterSeconds } = refusal
  sendError(req, res, refusal.code, refusal.message, {
    status,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  })
}

/** Why a body could not be read. */
export type BodyResult = { ok: true; text: string } | { ok: false; reason: 'too_large' | 'aborted' }

/** Reads a request body as UTF-8, refusing more than `maxBytes` (checked on Content-Length and while reading). */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume()
    return Promise.resolve({ ok: false, reason: 'too_large' })
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const finish = (result: BodyResult): void => {
      if (done) return
      done = true
      resolve(result)
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        finish({ ok: false, reason: 'too_large' })
        req.resume()
        return
      }
      if (!done) chunks.push(chunk)
    })
    req.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }))
    req.on('error', () => finish({ ok: false, reason: 'aborted' }))
    req.on('close', () => finish({ ok: false, reason: 'aborted' }))
  })
}

/** Refuses an upgrade with a plain HTTP response on the raw socket, then closes it. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  body: ErrorPayload,
  headers: Record<string, string> = {},
): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const text = JSON.stringify(body)
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`)
}

/** The path of a request (no query). Express's `originalUrl` is preferred so mounting under a prefix works. */
export function requestUrl(req: IncomingMessage): URL {
  const raw = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
  return new URL(raw, 'http://localhost')
}
