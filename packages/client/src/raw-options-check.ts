/**
 * Checks the raw-mode options of `subscribe()` ({@link RawStreamOptions}) when the subscription is created, so a
 * mistake throws a fatal `invalid_options` there instead of misbehaving at the first event or close.
 */
import { invalidOptions } from './errors'
import type { RawStreamOptions } from './raw-options'

const isFunction = (value: unknown): boolean => typeof value === 'function'

/**
 * @throws SwitchlineError `invalid_options` naming the option: a `firstByteTimeoutMs` that is not a number ≥ 0, an
 * `ignoreEvents` that is not an array of strings, an unknown `dedupe`, a non-boolean `resend`, a `closeCodes` entry
 * that is not a close code (1000–4999) mapped to `'fatal'` or `'retry'`, a `pong` without `isPing` and `reply`.
 * @example
 * checkRawStreamOptions({ dedupe: 'ordered', closeCodes: { 4001: 'fatal' } }) // fine
 */
export function checkRawStreamOptions(options: RawStreamOptions): void {
  const { firstByteTimeoutMs: ms, ignoreEvents: names, dedupe, resend, closeCodes: codes, pong } = options
  const problems: Array<[name: string, bad: boolean, expected: string]> = [
    ['firstByteTimeoutMs', ms !== undefined && !(typeof ms === 'number' && ms >= 0), 'a number ≥ 0'],
    ['ignoreEvents', names !== undefined && !(Array.isArray(names) && names.every((name) => typeof name === 'string')), 'an array of event names'],
    ['dedupe', dedupe !== undefined && dedupe !== false && dedupe !== 'unique' && dedupe !== 'ordered', "false, 'unique' or 'ordered'"],
    ['resend', resend !== undefined && typeof resend !== 'boolean', 'a boolean'],
    [
      'closeCodes',
      codes !== undefined &&
        (typeof codes !== 'object' ||
          codes === null ||
          Object.entries(codes).some(([code, action]) => !/^[1-4]\d{3}$/.test(code) || (action !== 'fatal' && action !== 'retry'))),
      "close codes (1000–4999) mapped to 'fatal' or 'retry'",
    ],
    ['pong', pong !== undefined && pong !== false && !(isFunction(pong?.isPing) && (typeof pong.reply === 'string' || isFunction(pong.reply))), '{ isPing, reply }'],
  ]
  for (const [name, bad, expected] of problems) {
    if (bad) throw invalidOptions(`subscribe(): \`${name}\` must be ${expected}`)
  }
}
