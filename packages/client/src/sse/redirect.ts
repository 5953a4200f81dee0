/**
 * The redirect policy of the Node SSE transport (`sse-node-http.ts`), which `node:http` does not have: what `fetch`
 * does (WHATWG Fetch, "HTTP-redirect fetch"), decided once per hop. Pure: no I/O. Policy and reasons:
 * docs/decisions/0010-sse-redirects-in-node.md.
 */
import { SwitchlineError } from '../core/errors'

/** At most this many redirects per attempt, as `fetch`. */
export const MAX_REDIRECTS = 20

/** Headers a redirect to another origin drops (fetch drops `authorization`; a Node app's own cookies too). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'] as const
/** Headers that describe a body, dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
] as const

/** One request of an attempt: the first, or one a redirect leads to. Header names are lower case. */
export interface HttpHop {
  url: URL
  method: string
  headers: Record<string, string>
  body: string | undefined
}

/**
 * The request to send after an answer, when the answer is a redirect.
 * - `undefined`: not a redirect (not 301/302/303/307/308, or no `Location`): the answer is final;
 * - a {@link SwitchlineError} (`http_status`, fatal): a redirect refused — more than {@link MAX_REDIRECTS} hops,
 *   a `Location` that is not a URL or not http(s), or https → http;
 * - else the next hop: `Location` resolved against the current URL; a 303 (other than GET/HEAD), and a 301/302
 *   of a POST, become a GET without body or body headers; another origin loses `authorization`,
 *   `proxy-authorization`, `cookie` and `host`, for every later hop too. Other headers (`last-event-id`) stay.
 * @param redirects - how many redirects this attempt has already followed.
 * @example
 * const next = redirectHop(hop, 302, res.headers.location, redirects++)
 * if (next instanceof SwitchlineError) fail(next)
 * else if (next) send(next)
 */
export function redirectHop(
  hop: HttpHop,
  status: number,
  location: string | undefined,
  redirects: number,
): HttpHop | SwitchlineError | undefined {
  if (!isRedirectStatus(status) || location === undefined) return undefined
  const refuse = (why: string): SwitchlineError =>
    new SwitchlineError('http_status', `HTTP ${status} redirect from ${hop.url.href} refused: ${why}`, {
      status,
      url: hop.url.href,
      fatal: true,
    })
  if (redirects >= MAX_REDIRECTS) return refuse(`more than ${MAX_REDIRECTS} redirects`)
  let url: URL
  try {
    url = new URL(location, hop.url)
  } catch {
    return refuse(`Location ${JSON.stringify(location)} is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse(`${url.protocol} is not http(s)`)
  if (hop.url.protocol === 'https:' && url.protocol === 'http:') return refuse(`https → http (${url.href})`)

  const headers = { ...hop.headers }
  let { method, body } = hop
  if (
    (status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    method = 'GET'
    body = undefined
    for (const name of BODY_HEADERS) delete headers[name]
  }
  if (url.origin !== hop.url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name]
  return { url, method, headers, body }
}

/** 301, 302, 303, 307 or 308 (a plain test, not a module-level `Set`: nothing runs at import). */
function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}
