import { describe, expect, expectTypeOf, it } from 'vitest'
import { thrownBy } from '../../test/support/thrown'
import { createDecoder, validateWith, type DataFormat } from './decode'
import { isSwitchlineError, SwitchlineError } from './errors'
import type { StandardSchemaV1 } from './standard-schema'

/** A tiny hand-written Standard Schema: `{ price: number }`, sync or async. */
function priceSchema(mode: 'sync' | 'async'): StandardSchemaV1<unknown, { price: number }> {
  const run = (value: unknown): StandardSchemaV1.Result<{ price: number }> => {
    if (typeof value !== 'object' || value === null) return { issues: [{ message: 'expected an object' }] }
    const price = (value as { price?: unknown }).price
    if (typeof price !== 'number') return { issues: [{ message: 'expected a number', path: ['price'] }] }
    return { value: { price } }
  }
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) => (mode === 'sync' ? run(value) : Promise.resolve().then(() => run(value))),
    },
  }
}

/** A schema that transforms its input (output type differs from input). */
const toUpper: StandardSchemaV1<string, string> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) =>
      typeof value === 'string' ? { value: value.toUpperCase() } : { issues: [{ message: 'not a string' }] },
  },
}

describe('createDecoder', () => {
  it("defaults to 'json'", () => {
    const decode = createDecoder()
    expect(decode('{"a":[1,"x",null]}')).toEqual({ a: [1, 'x', null] })
    expect(decode('42')).toBe(42)
    expect(decode('"s"')).toBe('s')
  })

  it("'json' throws a decode error with the SyntaxError as cause", () => {
    const decode = createDecoder('json')
    for (const text of ['', '{', 'undefined', "{'a':1}", 'NaN']) {
      const error = thrownBy(() => decode(text))
      expect(isSwitchlineError(error, 'decode'), text).toBe(true)
      expect((error as SwitchlineError).cause).toBeInstanceOf(SyntaxError)
      expect((error as SwitchlineError).fatal).toBe(false)
    }
  })

  it("'text' returns the text unchanged", () => {
    const decode = createDecoder('text')
    expect(decode('')).toBe('')
    expect(decode('{"a":1}')).toBe('{"a":1}')
  })

  it('a function decodes; what it throws becomes the cause of a decode error', () => {
    expect(createDecoder((text) => text.split(','))('a,b')).toEqual(['a', 'b'])
    const inner = new RangeError('nope')
    const error = thrownBy(() =>
      createDecoder(() => {
        throw inner
      })('x'),
    )
    expect(isSwitchlineError(error, 'decode')).toBe(true)
    expect((error as SwitchlineError).cause).toBe(inner)
    expect((error as SwitchlineError).message).toContain('nope')
    const thrownString = thrownBy(() =>
      createDecoder(() => {
        throw 'plain'
      })('x'),
    )
    expect((thrownString as SwitchlineError).cause).toBe('plain')
  })

  it('a decode error thrown by a custom decoder passes through unchanged', () => {
    const own = new SwitchlineError('decode', 'mine')
    expect(
      thrownBy(() =>
        createDecoder(() => {
          throw own
        })('x'),
      ),
    ).toBe(own)
  })

  it('rejects an unknown format', () => {
    for (const format of ['xml', 'JSON', 42, null]) {
      expect(
        isSwitchlineError(
          thrownBy(() => createDecoder(format as DataFormat)),
          'invalid_options',
        ),
      ).toBe(true)
    }
  })
})

describe('validateWith', () => {
  it('returns the output synchronously for a sync schema', () => {
    const result = validateWith(priceSchema('sync'), { price: 3, extra: true })
    expect(result).not.toBeInstanceOf(Promise)
    expect(result).toEqual({ price: 3 })
  })

  it('returns the transformed output', () => {
    expect(validateWith(toUpper, 'abc')).toBe('ABC')
  })

  it('throws a validation error listing issues with their paths; cause is the issues', () => {
    const error = thrownBy(() => validateWith(priceSchema('sync'), { price: '3' }))
    expect(isSwitchlineError(error, 'validation')).toBe(true)
    const e = error as SwitchlineError
    expect(e.message).toBe('data failed schema validation: price: expected a number')
    expect(e.cause).toEqual([{ message: 'expected a number', path: ['price'] }])
    expect(thrownBy(() => validateWith(priceSchema('sync'), null))).toMatchObject({
      message: 'data failed schema validation: expected an object',
    })
  })

  it('formats paths of keys, indexes and PathSegments, and caps the list', () => {
    const issues: StandardSchemaV1.Issue[] = [
      { message: 'a', path: ['items', 0, { key: 'name' }] },
      { message: 'b', path: [{ key: 2 }] },
      { message: 'c', path: [Symbol.for('s')] },
      { message: 'd', path: [] },
      { message: 'e' },
      { message: 'f' },
      { message: 'g' },
    ]
    const schema: StandardSchemaV1<unknown, never> = {
      '~standard': { version: 1, vendor: 't', validate: () => ({ issues }) },
    }
    const error = thrownBy(() => validateWith(schema, 1)) as SwitchlineError
    expect(error.message).toBe(
      'data failed schema validation: items[0].name: a; [2]: b; Symbol(s): c; d; e; and 2 more',
    )
    expect(error.cause).toBe(issues)
  })

  it('treats an empty issues array as failure, as the spec says (issues present = failure)', () => {
    const schema: StandardSchemaV1<unknown, never> = {
      '~standard': { version: 1, vendor: 't', validate: () => ({ issues: [] }) },
    }
    const error = thrownBy(() => validateWith(schema, 1))
    expect(isSwitchlineError(error, 'validation')).toBe(true)
    expect((error as Error).message).toBe('data failed schema validation')
  })

  it('returns a promise for an async schema', async () => {
    const result = validateWith(priceSchema('async'), { price: 5 })
    expect(result).toBeInstanceOf(Promise)
    expect(await result).toEqual({ price: 5 })
  })

  it('rejects with a validation error for an async schema', async () => {
    const result = validateWith(priceSchema('async'), { price: null })
    await expect(result).rejects.toSatisfy((e: unknown) => isSwitchlineError(e, 'validation'))
    await expect(result).rejects.toThrow('price: expected a number')
  })

  it('wraps a schema that throws or rejects', async () => {
    const boom = new Error('schema bug')
    const throwing: StandardSchemaV1<unknown, never> = {
      '~standard': {
        version: 1,
        vendor: 't',
        validate: () => {
          throw boom
        },
      },
    }
    const error = thrownBy(() => validateWith(throwing, 1)) as SwitchlineError
    expect(error.code).toBe('validation')
    expect(error.cause).toBe(boom)
    const rejecting: StandardSchemaV1<unknown, never> = {
      '~standard': { version: 1, vendor: 't', validate: () => Promise.reject(boom) },
    }
    await expect(validateWith(rejecting, 1)).rejects.toSatisfy(
      (e: unknown) => isSwitchlineError(e, 'validation') && e.cause === boom,
    )
  })

  it('passes the value to validate untouched', () => {
    const seen: unknown[] = []
    const spy: StandardSchemaV1<unknown, unknown> = {
      '~standard': { version: 1, vendor: 't', validate: (value) => (seen.push(value), { value }) },
    }
    const input = { a: 1 }
    expect(validateWith(spy, input)).toBe(input)
    expect(seen).toEqual([input])
  })

  it('infers the output type from the schema', () => {
    expectTypeOf(() => validateWith(priceSchema('sync'), {})).returns.toEqualTypeOf<
      { price: number } | Promise<{ price: number }>
    >()
    expectTypeOf<StandardSchemaV1.InferOutput<typeof toUpper>>().toEqualTypeOf<string>()
  })
})
