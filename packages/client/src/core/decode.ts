/**
 * Turning event payload text into values: a decoder per `format`, and validation with any Standard Schema.
 * Pure: no I/O.
 */
import { invalidOptions, messageOf, SwitchlineError } from './errors'
import type { StandardSchemaV1 } from './standard-schema'

/** How payload text becomes a value: `JSON.parse`, the text itself, or your function. */
export type DataFormat = 'json' | 'text' | ((text: string) => unknown)

/**
 * Returns a function that decodes text, throwing `SwitchlineError('decode', …, { cause })` on failure.
 * @param format - @defaultValue 'json'
 * @throws SwitchlineError `invalid_options` for an unknown format.
 * @example
 * const decode = createDecoder('json')
 * decode('{"a":1}') // { a: 1 }
 * createDecoder((text) => text.split(','))('a,b') // ['a', 'b']
 */
export function createDecoder(format: DataFormat = 'json'): (text: string) => unknown {
  if (format === 'text') return (text) => text
  if (format === 'json') {
    return (text) => {
      try {
        return JSON.parse(text) as unknown
      } catch (cause) {
        throw new SwitchlineError('decode', `data is not valid JSON: ${messageOf(cause)}`, { cause })
      }
    }
  }
  if (typeof format === 'function') {
    return (text) => {
      try {
        return format(text)
      } catch (cause) {
        if (cause instanceof SwitchlineError && cause.code === 'decode') throw cause
        throw new SwitchlineError('decode', `the custom decoder threw: ${messageOf(cause)}`, { cause })
      }
    }
  }
  throw invalidOptions(`format must be 'json', 'text' or a function, got ${String(format)}`)
}

/** How many issues the error message lists; all of them are in `cause`. */
const MAX_LISTED_ISSUES = 5

function formatPath(path: StandardSchemaV1.Issue['path']): string {
  if (!path || path.length === 0) return ''
  return path
    .map((segment) => {
      const key = typeof segment === 'object' && segment !== null ? segment.key : segment
      return typeof key === 'number' ? `[${key}]` : `.${String(key)}`
    })
    .join('')
    .replace(/^\./, '')
}

function validationError(issues: ReadonlyArray<StandardSchemaV1.Issue>): SwitchlineError {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = formatPath(issue.path)
    return path ? `${path}: ${issue.message}` : issue.message
  })
  const more = issues.length > MAX_LISTED_ISSUES ? `; and ${issues.length - MAX_LISTED_ISSUES} more` : ''
  const detail = listed.length > 0 ? `: ${listed.join('; ')}${more}` : ''
  return new SwitchlineError('validation', `data failed schema validation${detail}`, { cause: issues })
}

function check<T>(result: StandardSchemaV1.Result<T>): T {
  if (result.issues) throw validationError(result.issues)
  return result.value
}

/** Whether a schema's (or `validateWith`'s) result is a thenable, to be awaited. */
export function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/**
 * Validates with a Standard Schema; returns the output value, or throws `SwitchlineError('validation')` whose
 * message lists the issues (path: message) and whose `cause` is the issues array. Returns synchronously when
 * the schema is synchronous, a promise otherwise. A schema that throws (or rejects) gives a `validation` error
 * too, with the thrown value as `cause`.
 * @example
 * const price = validateWith(priceSchema, decode(text)) // zod, valibot, arktype … any Standard Schema
 */
export function validateWith<T>(schema: StandardSchemaV1<unknown, T>, value: unknown): T | Promise<T> {
  let result: StandardSchemaV1.Result<T> | Promise<StandardSchemaV1.Result<T>>
  try {
    result = schema['~standard'].validate(value)
  } catch (cause) {
    throw new SwitchlineError('validation', `the schema threw: ${messageOf(cause)}`, { cause })
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(check, (cause: unknown) => {
      throw new SwitchlineError('validation', `the schema threw: ${messageOf(cause)}`, { cause })
    })
  }
  return check(result)
}
