import { describe, expect, it } from 'vitest'
import { charByChar, randomChunkings, splitsAtEveryIndex, splitsAtEveryPair } from '../../test/support/chunks'
import { mulberry32, pick, randomInt } from '../../test/support/prng'
import { expectCode } from '../../test/support/thrown'
import { createSseParser, type SseEvent, type SseParserOptions } from './sse-parser'

type Entry = ['event', SseEvent] | ['id', string] | ['retry', number] | ['comment', string] | ['error', 'too_large']

/** Feeds `chunks` and returns every callback, in order. Error sizes depend on chunking, so only the type is kept. */
function run(chunks: Iterable<string>, options?: SseParserOptions): Entry[] {
  const log: Entry[] = []
  const parser = createSseParser(
    {
      onEvent: (event) => log.push(['event', event]),
      onId: (id) => log.push(['id', id]),
      onRetry: (ms) => log.push(['retry', ms]),
      onComment: (text) => log.push(['comment', text]),
      onError: (error) => log.push(['error', error.type]),
    },
    options,
  )
  for (const chunk of chunks) parser.feed(chunk)
  return log
}

const events = (log: Entry[]): SseEvent[] => log.flatMap((e) => (e[0] === 'event' ? [e[1]] : []))
const ev = (data: string, event = 'message', id?: string): SseEvent => ({ id, event, data })

/** Asserts that `text` gives `expected` whole, split at every index, at every pair (if short), char by char and randomly. */
function expectChunkInvariant(text: string, options?: SseParserOptions): Entry[] {
  const whole = run([text], options)
  for (const parts of splitsAtEveryIndex(text)) expect(run(parts, options), JSON.stringify(parts)).toEqual(whole)
  if (text.length <= 60) {
    for (const parts of splitsAtEveryPair(text)) expect(run(parts, options), JSON.stringify(parts)).toEqual(whole)
  }
  expect(run(charByChar(text), options)).toEqual(whole)
  for (const parts of randomChunkings(text, text.length, 20)) expect(run(parts, options)).toEqual(whole)
  return whole
}

describe('createSseParser: WHATWG examples', () => {
  it('joins data lines with LF (stock example)', () => {
    const log = expectChunkInvariant('data: YHOO\ndata: +2\ndata: 10\n\n')
    expect(log).toEqual([['event', ev('YHOO\n+2\n10')]])
  })

  it('comments, ids, an id without value, one space stripped', () => {
    const text = ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n'
    expect(expectChunkInvariant(text)).toEqual([
      ['comment', 'test stream'],
      ['id', '1'],
      ['event', ev('first event', 'message', '1')],
      ['id', ''],
      ['event', ev('second event', 'message', '')],
      ['event', ev(' third event')],
    ])
  })

  it('empty data lines dispatch; an unterminated last event does not', () => {
    expect(expectChunkInvariant('data\n\ndata\ndata\n\ndata:')).toEqual([
      ['event', ev('')],
      ['event', ev('\n')],
    ])
  })

  it('"data:test" and "data: test" are the same', () => {
    expect(expectChunkInvariant('data:test\n\ndata: test\n\n')).toEqual([
      ['event', ev('test')],
      ['event', ev('test')],
    ])
  })
})

describe('createSseParser: line endings', () => {
  it('accepts LF, CR and CRLF, mixed', () => {
    const text = 'data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\rdata: e\n\n'
    expect(events(expectChunkInvariant(text))).toEqual([ev('a\nb\nc'), ev('d'), ev('e')])
  })

  it('treats CR at the end of a chunk and LF at the start of the next as one line end', () => {
    expect(events(run(['data: a\r', '\ndata: b\r', '\n\r', '\n']))).toEqual([ev('a\nb')])
  })

  it('CR then LF across an empty chunk is still one line end', () => {
    expect(events(run(['data: a\r', '', '\ndata: b\n\n']))).toEqual([ev('a\nb')])
  })

  it('CR CR is two line ends (a blank line)', () => {
    expect(events(run(['data: a\r', '\r']))).toEqual([ev('a')])
  })

  it('LF LF and CRLF CRLF dispatch', () => {
    expect(events(run(['data: a\n\n']))).toEqual([ev('a')])
    expect(events(run(['data: a\r\n\r\n']))).toEqual([ev('a')])
  })

  it('dispatches as soon as the blank line arrives, without waiting for more input', () => {
    const seen: SseEvent[] = []
    const parser = createSseParser({ onEvent: (e) => seen.push(e) })
    parser.feed('data: a\r')
    expect(seen).toEqual([])
    parser.feed('\r')
    expect(seen).toEqual([ev('a')])
  })
})

describe('createSseParser: BOM', () => {
  it('strips one leading BOM, even alone in the first chunk', () => {
    expect(events(expectChunkInvariant('\uFEFFdata: a\n\n'))).toEqual([ev('a')])
    expect(events(run(['\uFEFF', 'data: a\n\n']))).toEqual([ev('a')])
    expect(events(run(['', '\uFEFF', 'data: a\n\n']))).toEqual([ev('a')])
  })

  it('strips it only once, and only at the start', () => {
    // a second BOM makes the field name "\uFEFFdata", which is unknown
    expect(events(run(['\uFEFF\uFEFFdata: a\n\n']))).toEqual([])
    expect(events(run(['\uFEFF', '\uFEFFdata: a\n\n']))).toEqual([])
    expect(events(run(['data: a\n\n\uFEFFdata: b\n\n']))).toEqual([ev('a')])
    expect(events(run(['data: \uFEFFa\n\n']))).toEqual([ev('\uFEFFa')])
  })

  it('reset() re-arms it for the next stream', () => {
    const seen: SseEvent[] = []
    const parser = createSseParser({ onEvent: (e) => seen.push(e) })
    parser.feed('\uFEFFdata: a\n\n')
    parser.reset()
    parser.feed('\uFEFFdata: b\n\n')
    expect(seen).toEqual([ev('a'), ev('b')])
  })
})

describe('createSseParser: fields', () => {
  it('event names the event and resets after dispatch', () => {
    const text = 'event: add\ndata: 1\n\ndata: 2\n\nevent: x\n\ndata: 3\n\n'
    expect(events(expectChunkInvariant(text))).toEqual([ev('1', 'add'), ev('2'), ev('3')])
  })

  it('an empty event name means message; the last event field wins', () => {
    expect(events(run(['event:\ndata: a\n\nevent\ndata: b\n\nevent: x\nevent: y\ndata: c\n\n']))).toEqual([
      ev('a'),
      ev('b'),
      ev('c', 'y'),
    ])
  })

  it('keeps colons and extra spaces in values; strips exactly one space', () => {
    expect(events(run(['data: a:b: c\n\n', 'data:: x\n\n', 'data:   y  \n\n', 'data:\t z\n\n']))).toEqual([
      ev('a:b: c'),
      ev(': x'),
      ev('  y  '),
      ev('\t z'),
    ])
  })

  it('field names are case-sensitive; unknown fields are ignored', () => {
    expect(run(['Data: a\n\nDATA: b\n\nfoo: bar\ndata: c\nbaz\n\n'])).toEqual([['event', ev('c')]])
  })

  it('a line without colon is a field with an empty value', () => {
    expect(events(run(['data\ndata\n\n']))).toEqual([ev('\n')])
  })

  it('id: per event, empty resets, NUL ignored, last valid one wins', () => {
    const text =
      'id: 1\ndata: a\n\ndata: b\n\nid:\ndata: c\n\nid: x\0y\ndata: d\n\nid: 2\nid: 3\0\ndata: e\n\nid: 4\nid: 5\ndata: f\n\n'
    expect(expectChunkInvariant(text)).toEqual([
      ['id', '1'],
      ['event', ev('a', 'message', '1')],
      ['event', ev('b')],
      ['id', ''],
      ['event', ev('c', 'message', '')],
      ['event', ev('d')],
      ['id', '2'],
      ['event', ev('e', 'message', '2')],
      ['id', '5'],
      ['event', ev('f', 'message', '5')],
    ])
  })

  it('an id in a block without data sets the last event id (onId) but dispatches nothing', () => {
    expect(expectChunkInvariant('id: k-7\n\nid: k-8\nevent: x\n\n')).toEqual([
      ['id', 'k-7'],
      ['id', 'k-8'],
    ])
  })

  it('onId is called at the blank line, before onEvent, not when the field is read', () => {
    const log: string[] = []
    const parser = createSseParser({ onEvent: () => log.push('event'), onId: (id) => log.push(`id ${id}`) })
    parser.feed('id: 1\ndata: a\n')
    expect(log).toEqual([])
    parser.feed('\n')
    expect(log).toEqual(['id 1', 'event'])
  })

  it('an id with a space inside or around is kept verbatim (minus one leading space)', () => {
    expect(events(run(['id:  a b \ndata: x\n\n']))).toEqual([ev('x', 'message', ' a b ')])
  })

  it('retry: only ASCII digits', () => {
    const text =
      'retry: 1000\nretry:0\nretry: 007\nretry: 10a\nretry: -1\nretry: 1.5\nretry:\nretry\nretry:  5\nretry: \u0661\u0662\nretry: 1e3\n\n'
    expect(expectChunkInvariant(text)).toEqual([
      ['retry', 1000],
      ['retry', 0],
      ['retry', 7],
    ])
  })

  it('retry: ignores values too large to be an exact integer', () => {
    expect(run(['retry: 99999999999999999999\n', 'retry: 9007199254740991\n'])).toEqual([['retry', 9007199254740991]])
  })

  it('retry applies immediately, not at dispatch, and does not dispatch', () => {
    const log: Entry[] = []
    const parser = createSseParser({ onEvent: (e) => log.push(['event', e]), onRetry: (ms) => log.push(['retry', ms]) })
    parser.feed('retry: 5\n')
    expect(log).toEqual([['retry', 5]])
  })

  it('comments: one leading space stripped, do not dispatch or interrupt an event', () => {
    const text = ':\n:x\n: y\n:  z\ndata: a\n: between\ndata: b\n\n'
    expect(expectChunkInvariant(text)).toEqual([
      ['comment', ''],
      ['comment', 'x'],
      ['comment', 'y'],
      ['comment', ' z'],
      ['comment', 'between'],
      ['event', ev('a\nb')],
    ])
  })

  it('works with only onEvent', () => {
    const seen: SseEvent[] = []
    const parser = createSseParser({ onEvent: (e) => seen.push(e) })
    parser.feed(': c\nretry: 1\nid: 1\ndata: a\n\nid: 2\n\n')
    expect(seen).toEqual([ev('a', 'message', '1')])
  })

  it('handles unicode, astral characters split across chunks, and NUL in data', () => {
    const text = 'data: héllo 😀 世界\0\n\n'
    expect(events(expectChunkInvariant(text))).toEqual([ev('héllo 😀 世界\0')])
  })

  it('parses a Switchline stream', () => {
    const text =
      'retry: 1000\n\nevent: sl-ready\ndata: {"epoch":"k3f9a","heartbeatMs":15000,"channels":["ticker"]}\n\n' +
      'id: k3f9a-1042\ndata: {"channel":"ticker","data":{"p":1}}\n\nevent: sl-heartbeat\ndata: {"t":1}\n\n'
    expect(expectChunkInvariant(text)).toEqual([
      ['retry', 1000],
      ['event', ev('{"epoch":"k3f9a","heartbeatMs":15000,"channels":["ticker"]}', 'sl-ready')],
      ['id', 'k3f9a-1042'],
      ['event', ev('{"channel":"ticker","data":{"p":1}}', 'message', 'k3f9a-1042')],
      ['event', ev('{"t":1}', 'sl-heartbeat')],
    ])
  })
})

describe('createSseParser: reset', () => {
  it('forgets a partial line, a partial event and a pending CR', () => {
    const seen: SseEvent[] = []
    const parser = createSseParser({ onEvent: (e) => seen.push(e) })
    parser.feed('event: x\nid: 9\ndata: partial\ndata: unfinished li')
    parser.reset()
    parser.feed('ne\n\n')
    expect(seen).toEqual([])
    parser.feed('data: a\r')
    parser.reset()
    parser.feed('\ndata: b\n\n')
    // after reset the LF is a line end of its own (a blank line), not the tail of the CR
    expect(seen).toEqual([ev('b')])
  })
})

describe('createSseParser: maxEventSize', () => {
  it('accepts data of exactly maxEventSize, counting the joining LFs', () => {
    expect(events(run(['data: abcde\n\n'], { maxEventSize: 5 }))).toEqual([ev('abcde')])
    expect(events(run(['data: ab\ndata: cd\n\n'], { maxEventSize: 5 }))).toEqual([ev('ab\ncd')])
  })

  it('discards a larger event up to the blank line and reports it once', () => {
    const errors: unknown[] = []
    const log: Entry[] = []
    const parser = createSseParser(
      {
        onEvent: (e) => log.push(['event', e]),
        onId: (id) => log.push(['id', id]),
        onError: (error) => errors.push(error),
      },
      { maxEventSize: 5 },
    )
    parser.feed('id: 1\ndata: ab\ndata: cde\ndata: more\nevent: x\n\ndata: ok\n\n')
    expect(errors).toEqual([{ type: 'too_large', size: 6 }])
    expect(log).toEqual([
      ['id', '1'],
      ['event', ev('ok')],
    ])
  })

  it('is chunk-invariant, including lines far over the limit', () => {
    const long = 'x'.repeat(200)
    const text = `data: ok1\n\ndata: ${long}\nid: 3\n\n: ${long}\ndata: lost\n\ndata: ok2\n\n`
    expect(expectChunkInvariant(text, { maxEventSize: 20 })).toEqual([
      ['event', ev('ok1')],
      ['error', 'too_large'],
      ['id', '3'],
      ['error', 'too_large'],
      ['event', ev('ok2')],
    ])
  })

  it('does not buffer an endless line', () => {
    const errors: number[] = []
    const seen: SseEvent[] = []
    const parser = createSseParser(
      { onEvent: (e) => seen.push(e), onError: (e) => errors.push(e.size) },
      { maxEventSize: 1000 },
    )
    parser.feed('data: ')
    for (let i = 0; i < 10_000; i++) parser.feed('y'.repeat(100))
    parser.feed('\r')
    parser.feed('\n\ndata: after\n\n')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeGreaterThan(1000)
    expect(errors[0]).toBeLessThanOrEqual(1000 + 64 + 100)
    expect(seen).toEqual([ev('after')])
  })

  it('the line after a dropped line is parsed normally, whatever its terminator', () => {
    for (const end of ['\n', '\r', '\r\n']) {
      const seen = events(
        run(['data: ', 'z'.repeat(100), 'z', `${end}data: tail${end}${end}data: next${end}${end}`], {
          maxEventSize: 10,
        }),
      )
      expect(seen, JSON.stringify(end)).toEqual([ev('next')])
    }
  })

  it('defaults to 1 MiB', () => {
    const big = 'b'.repeat(1_048_576)
    expect(events(run([`data: ${big}\n\n`]))).toEqual([ev(big)])
    expect(run([`data: ${big}b\n\n`])).toEqual([['error', 'too_large']])
  })

  it('rejects a bad maxEventSize', () => {
    for (const maxEventSize of [0, -1, Number.NaN, '5' as unknown as number]) {
      expectCode(
        () => createSseParser({ onEvent: () => {} }, { maxEventSize }),
        'invalid_options',
        String(maxEventSize),
      )
    }
  })
})

describe('createSseParser: a throwing callback', () => {
  it('propagates out of feed() and loses nothing: the rest is parsed on the next feed', () => {
    const seen: string[] = []
    let throwOn = 'b'
    const parser = createSseParser({
      onEvent: (e) => {
        if (e.data === throwOn) {
          throwOn = ''
          throw new Error('consumer bug')
        }
        seen.push(e.data)
      },
    })
    expect(() => parser.feed('data: a\n\ndata: b\n\ndata: c\n\ndata: d\n')).toThrow('consumer bug')
    expect(seen).toEqual(['a'])
    parser.feed('\n')
    expect(seen).toEqual(['a', 'c', 'd'])
  })
})

/**
 * A deliberately naive reference: the spec's algorithm over the whole text split into lines with a regex.
 * Random streams must give the same callbacks through the real parser, chunked any way.
 */
function reference(input: string): Entry[] {
  const log: Entry[] = []
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input
  const lines = text.split(/\r\n|\r|\n/)
  lines.pop() // the unterminated last line (or '' after a final line end)
  let data: string[] = []
  let type = ''
  let id: string | undefined
  for (const line of lines) {
    if (line === '') {
      if (id !== undefined) log.push(['id', id])
      if (data.length > 0) log.push(['event', { id, event: type || 'message', data: data.join('\n') }])
      data = []
      type = ''
      id = undefined
      continue
    }
    if (line.startsWith(':')) {
      log.push(['comment', line.slice(1).replace(/^ /, '')])
      continue
    }
    const colon = line.indexOf(':')
    const name = colon === -1 ? line : line.slice(0, colon)
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (name === 'data') data.push(value)
    else if (name === 'event') type = value
    else if (name === 'id' && !value.includes('\0')) id = value
    else if (name === 'retry' && /^[0-9]+$/.test(value)) log.push(['retry', Number(value)])
  }
  return log
}

describe('createSseParser: fuzz against a reference (seeded)', () => {
  const TOKENS = [
    'data',
    'id',
    'event',
    'retry',
    'foo',
    ':',
    ': ',
    ' ',
    '\n',
    '\n',
    '\r',
    '\r\n',
    '\n\n',
    'a',
    '7',
    '😀',
    '\0',
    '\uFEFF',
    'é',
  ]

  it('random streams, random chunkings', () => {
    const random = mulberry32(20_260_101)
    for (let round = 0; round < 300; round++) {
      let text = ''
      const length = randomInt(random, 0, 40)
      for (let i = 0; i < length; i++) text += pick(random, TOKENS)
      const expected = reference(text)
      expect(run([text]), JSON.stringify(text)).toEqual(expected)
      expect(run(charByChar(text)), JSON.stringify(text)).toEqual(expected)
      for (const parts of randomChunkings(text, round, 5, 6))
        expect(run(parts), JSON.stringify(parts)).toEqual(expected)
    }
  })
})
