/** Catching a synchronous throw as a value, so tests can assert on it (or on there being none). */
import { expect } from 'vitest'
import { isSwitchlineError, type SwitchlineErrorCode } from '../../src/core/errors'

/** What `fn` throws, or `undefined` if it returns. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

/** Asserts that `fn` throws a `SwitchlineError` with `code`; `label` names the case in the failure message. */
export function expectCode(fn: () => unknown, code: SwitchlineErrorCode, label?: string): void {
  const error = thrownBy(fn)
  const message = label === undefined ? String(error) : `${label}: ${String(error)}`
  expect(isSwitchlineError(error, code), message).toBe(true)
}
