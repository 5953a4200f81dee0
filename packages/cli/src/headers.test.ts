import { describe, expect, it } from 'vitest'
import { bearerToken, parseHeader } from './headers'

describe('parseHeader', () => {
  it('splits at the first colon, lower-cases the name and trims the value', () => {
    expect(parseHeader('Authorization:  Bearer a:b ')).toEqual({ name: 'authorization', value: 'Bearer a:b' })
    expect(parseHeader('X-Empty:')).toEqual({ name: 'x-empty', value: '' })
  })

  it('says what is wrong with a line that is not a header', () => {
    expect(parseHeader('no colon')).toBe("expected 'Name: value'")
    expect(parseHeader(': v')).toBe("'' is not a header name")
    expect(parseHeader('A B: v')).toBe("'A B' is not a header name")
    expect(parseHeader('A: x\ry')).toBe('the value has a control character (U+000D)')
    expect(parseHeader('A: x\u0000y')).toBe('the value has a control character (U+0000)')
    expect(parseHeader('A: x\u001by')).toBe('the value has a control character (U+001B)')
    expect(parseHeader('A: \u{1F600}')).toBe('the value has a character past U+00FF (U+1F600)')
  })

  it('lets a tab and Latin-1 characters through in a value, as Node sends them', () => {
    expect(parseHeader('A: x\ty \u00e9\u00ff')).toEqual({ name: 'a', value: 'x\ty \u00e9\u00ff' })
  })
})

describe('bearerToken', () => {
  it('reads the token of an Authorization: Bearer header, any case', () => {
    expect(bearerToken({ authorization: 'Bearer abc.def' })).toBe('abc.def')
    expect(bearerToken({ authorization: 'bearer x' })).toBe('x')
    expect(bearerToken({ authorization: 'Basic eDp5' })).toBeUndefined()
    expect(bearerToken({})).toBeUndefined()
  })
})
