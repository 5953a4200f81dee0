/**
 * Checks the raw-mode options of `subscribe()` ({@link RawStreamOptions}) when the subscription is created, so a
 * mistake throws a fatal `invalid_options` there instead of misbehaving at the first event or close.
 */
import { invalidOptions } from './errors'
import type { RawStreamOptions } from './raw-options'

/**
 * @throws SwitchlineError `invalid_options` naming the option (`subscribe(): invalid \`dedupe\``): a
 * `firstByteTimeoutMs` that is not a number ≥ 0, an `ignoreEvents` that is not an array of strings, a `dedupe`
 * other than `false`/`'unique'`/`'ordered'`, a non-boolean `resend`, a `closeCodes` entry that is not a close code
 * (1000–4999) mapped to `'fatal'` or `'retry'`, a `pong` without an `isPing` function and a `reply`.
 * @example
 * checkRawStreamOptions({ dedupe: 'ordered', closeCodes: { 4001: 'fatal' } }) // fine
 */
export function checkRawStreamOptions(options: RawStreamOptions): void {
  const { firstByteTimeoutMs: ms, ignoreEvents: names, dedupe, resend, closeCodes: codes, pong } = options
  const fine: Record<keyof RawStreamOptions, boolean> = {
    firstByteTimeoutMs: ms === undefined || (typeof ms === 'number' && ms >= 0),
    ignoreEvents: names === undefined || (Array.isArray(names) && names.every((name) => typeof name === 'string')),
    dedupe: dedupe === undefined || dedupe === false || dedupe === 'unique' || dedupe === 'ordered',
    resend: resend === undefined || typeof resend === 'boolean',
    closeCodes:
      codes === undefined ||
      (typeof codes === 'object' &&
        codes !== null &&
        Object.entries(codes).every(([code, action]) => /^[1-4]\d{3}$/.test(code) && (action === 'fatal' || action === 'retry'))),
    pong:
      pong === undefined ||
      pong === false ||
      (typeof pong?.isPing === 'function' && (typeof pong.reply === 'string' || typeof pong.reply === 'function')),
  }
  for (const name in fine) {
    if (!fine[name as keyof RawStreamOptions]) throw invalidOptions(`subscribe(): invalid \`${name}\` (see its TSDoc)`)
  }
}
