/**
 * What a WebSocket close code means to raw `subscribe()`: RFC 6455 §7.4.1 (and the IANA registry's 3000/3003),
 * not the Switchline protocol's table — a foreign server's 4000–4999 are private codes with no meaning to us.
 * The app overrides any code with `closeCodes`. Pure: no I/O.
 */
import { SwitchlineError } from '../core/errors'
import { parseRetryAfterReason } from '../protocol/codes'
import type { CloseCodeAction } from '../core/raw-options'

/**
 * The codes after which reconnecting cannot help, by default, with what they mean. Every other code reconnects:
 * 1000 normal, 1001 going away, 1005 no status, 1006 abnormal, 1009 too big (that message is lost), 1011 internal
 * error, 1012 restart, 1013 try again later, 1014 bad gateway, 3008 timeout, and the private 4000–4999.
 */
const RFC_FATAL: Readonly<Record<number, string>> = {
  1002: 'protocol error',
  1003: 'unsupported data',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1010: 'mandatory extension',
  1015: 'TLS handshake failed',
  3000: 'unauthorized',
  3003: 'forbidden',
}

/**
 * The error of a raw WebSocket close: fatal `close_code` for a code that means "stop" (by default
 * {@link RFC_FATAL}; `overrides` win), else retryable `network`. Both carry `closeCode`; a retryable 1013 with a
 * `retry-after=<ms>` reason carries `retryAfterMs`.
 * @example
 * classifyRawClose({ code: 1008, reason: 'bad key' }).fatal // true
 * classifyRawClose({ code: 4001, reason: '' }).fatal // false: a private code
 * classifyRawClose({ code: 4001, reason: '' }, { 4001: 'fatal' }).code // 'close_code'
 */
export function classifyRawClose(
  close: { code: number; reason: string },
  overrides?: Readonly<Record<number, CloseCodeAction>>,
): SwitchlineError {
  const { code, reason } = close
  const name = RFC_FATAL[code]
  const fatal = (overrides?.[code] ?? (name ? 'fatal' : 'retry')) === 'fatal'
  const message = `WebSocket closed with ${code}${name ? ` (${name})` : ''}${reason ? `: ${reason}` : ''}`
  if (fatal) return new SwitchlineError('close_code', message, { closeCode: code, fatal })
  return new SwitchlineError('network', message, {
    closeCode: code,
    retryAfterMs: code === 1013 ? parseRetryAfterReason(reason) : undefined,
  })
}
