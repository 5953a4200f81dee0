import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  CLOSE_CODES,
  ERROR_CODES,
  isFatalCloseCode,
  isFatalErrorCode,
  isProtocolErrorCode,
  parseRetryAfterReason,
} from './codes'

/** The rows of the markdown table whose header starts with `firstHeader`, in docs/protocol.md. */
function docTable(firstHeader: string): string[][] {
  const doc = readFileSync(fileURLToPath(new URL('../../../../docs/protocol.md', import.meta.url)), 'utf8')
  const lines = doc.split('\n')
  const start = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`))
  if (start === -1) throw new Error(`no table "${firstHeader}" in docs/protocol.md`)
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    )
  }
  return rows
}

describe('ERROR_CODES', () => {
  it('matches the table of docs/protocol.md §7 exactly (code, HTTP status, fatal)', () => {
    const rows = docTable('code')
    const fromDoc = Object.fromEntries(
      rows.map(([code, http, fatal]) => [
        code,
        { status: http === '—' ? undefined : Number(http), fatal: fatal === 'yes' },
      ]),
    )
    expect(ERROR_CODES).toEqual(fromDoc)
  })
})

describe('CLOSE_CODES', () => {
  it('matches the close code table of docs/protocol.md §7 exactly', () => {
    const rows = docTable('close code')
    expect(CLOSE_CODES).toEqual(Object.fromEntries(rows.map(([code, name]) => [name, Number(code)])))
  })

  it('isFatalCloseCode agrees with the fatal column', () => {
    for (const [code, , fatal] of docTable('close code')) {
      expect(isFatalCloseCode(Number(code)), code).toBe(fatal === 'yes')
    }
  })

  it('codes the protocol does not define are not fatal', () => {
    for (const code of [
      0,
      999,
      1002,
      1003,
      1005,
      1007,
      1008,
      1010,
      1014,
      1015,
      3000,
      4002,
      4004,
      4999,
      -4000,
      Number.NaN,
    ]) {
      expect(isFatalCloseCode(code), String(code)).toBe(false)
    }
  })

  it('names are unique per code', () => {
    const codes = Object.values(CLOSE_CODES)
    expect(new Set(codes).size).toBe(codes.length)
  })
})

describe('isFatalErrorCode', () => {
  it('follows the table for every known code', () => {
    for (const [code, { fatal }] of Object.entries(ERROR_CODES)) expect(isFatalErrorCode(code), code).toBe(fatal)
  })

  it('treats unknown codes as retryable', () => {
    for (const code of ['', 'nope', 'BAD_REQUEST', 'bad_request ', 'future_code']) {
      expect(isFatalErrorCode(code), code).toBe(false)
    }
  })

  it('returns false (a boolean) for inherited property names', () => {
    for (const code of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(isFatalErrorCode(code), code).toBe(false)
    }
  })
})

describe('isProtocolErrorCode', () => {
  it('is true exactly for the codes of the table', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(isProtocolErrorCode(code)).toBe(true)
    for (const code of ['', 'nope', 'Forbidden', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(isProtocolErrorCode(code), code).toBe(false)
    }
  })

  it('is false for non-strings', () => {
    for (const value of [undefined, null, 400, true, {}, ['forbidden'], { toString: () => 'forbidden' }]) {
      expect(isProtocolErrorCode(value)).toBe(false)
    }
  })
})

describe('parseRetryAfterReason', () => {
  it('reads retry-after=<ms> alone or among other words', () => {
    expect(parseRetryAfterReason('retry-after=0')).toBe(0)
    expect(parseRetryAfterReason('retry-after=2500')).toBe(2500)
    expect(parseRetryAfterReason('overloaded retry-after=10')).toBe(10)
    expect(parseRetryAfterReason('overloaded;retry-after=10')).toBe(10)
    expect(parseRetryAfterReason('retry-after=10, try later')).toBe(10)
    expect(parseRetryAfterReason('a,retry-after=10;b')).toBe(10)
    expect(parseRetryAfterReason('retry-after=007')).toBe(7)
    expect(parseRetryAfterReason('retry-after=999999999')).toBe(999_999_999) // 9 digits: the most it reads
  })

  it('takes the first hint when there are several', () => {
    expect(parseRetryAfterReason('retry-after=1 retry-after=2')).toBe(1)
  })

  it('gives undefined when the reason carries no well-formed hint', () => {
    const none = [
      '',
      'overloaded',
      'retry-after=',
      'retry-after=-1',
      'retry-after=1.5',
      'retry-after=5ms',
      'retry-after=1234567890', // 10 digits: refused rather than truncated
      'Retry-After=5', // case-sensitive
      'retry-after = 5',
      'retry-after:5',
      'xretry-after=5',
      'my-retry-after=5',
      'retry-after=5x',
      'retry-after=٥',
    ]
    for (const reason of none) expect(parseRetryAfterReason(reason), reason).toBeUndefined()
  })
})
