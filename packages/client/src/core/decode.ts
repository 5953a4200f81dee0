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
    schemaThrew(cause)
  }
  return isPromiseLike(result) ? Promise.resolve(result).then(check, schemaThrew) : check(result)
}

function schemaThrew(cause: unknown): never {
  throw new SwitchlineError('validation', `the schema threw: ${messageOf(cause)}`, { cause })
}

/**
 * The output of a result, or a `validation` error listing the first five issues as `path: message` (`items[0].name`;
 * the rest counted), with all of them as `cause`.
 */
function check<T>(result: StandardSchemaV1.Result<T>): T {
  const issues = result.issues
  if (!issues) return result.value
  const listed = issues.slice(0, 5).map(({ message, path }) => {
    const at = path
      ?.map((segment) => {
        // A PathSegment's key, or the key itself (a primitive has no `key`).
        const key = (segment as Partial<StandardSchemaV1.PathSegment> | null)?.key ?? segment
        return typeof key === 'number' ? `[${key}]` : `.${String(key)}`
      })
      .join('')
      .replace(/^\./, '')
    return at ? `${at}: ${message}` : message
  })
  if (issues.length > 5) listed.push(`and ${issues.length - 5} more`)
  throw new SwitchlineError(
    'validation',
    `data failed schema validation${listed.length > 0 ? `: ${listed.join('; ')}` : ''}`,
    {
      cause: issues,
    },
  )
}
