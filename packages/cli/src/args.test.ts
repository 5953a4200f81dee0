import { describe, expect, it } from 'vitest'
import { parseCommand, UsageError, type TailArgs } from './args'

const tail = (argv: string[]): TailArgs => {
  const command = parseCommand(argv)
  if (command.kind !== 'tail') throw new Error(`expected tail, got ${command.kind}`)
  return command.args
}

describe('parseCommand', () => {
  it('has defaults for a raw stream', () => {
    expect(tail(['tail', 'http://127.0.0.1:8787/stream'])).toEqual({
      url: 'http://127.0.0.1:8787/stream',
      channels: [],
      since: undefined,
      headers: {},
      post: undefined,
      until: undefined,
      format: 'json',
      json: false,
      transport: 'auto',
      maxRetries: undefined,
    })
  })

  it('parses every flag, short and long, --flag value and --flag=value', () => {
    expect(
      tail([
        'tail',
        'https://api.example.com/v1/chat',
        '--since=41',
        '-H',
        'Authorization: Bearer k',
        '--header',
        'X-A: 1',
        '--post',
        '@body.json',
        '--until',
        '[DONE]',
        '--format',
        'text',
        '--json',
        '--transport=sse',
        '--max-retries',
        '3',
      ]),
    ).toEqual({
      url: 'https://api.example.com/v1/chat',
      channels: [],
      since: '41',
      headers: { authorization: 'Bearer k', 'x-a': '1' },
      post: '@body.json',
      until: '[DONE]',
      format: 'text',
      json: true,
      transport: 'sse',
      maxRetries: 3,
    })
  })

  it('takes channels comma-separated and repeated, with keys; ws means websocket', () => {
    const args = tail([
      'tail',
      'http://127.0.0.1:8787/rt',
      '--channel',
      'ticker, clock',
      '-c',
      'chat:room-a',
      '--transport',
      'ws',
    ])
    expect(args.channels).toEqual(['ticker', 'clock', 'chat:room-a'])
    expect(args.transport).toBe('websocket')
  })

  it('keeps -H names that are Object.prototype keys (constructor, __proto__, toString) as plain headers', () => {
    const { headers } = tail([
      'tail',
      'ws://127.0.0.1:1/',
      '-H',
      'constructor: x',
      '-H',
      '__proto__: y',
      '-H',
      'toString: z',
      '-H',
      'toString: w',
    ])
    expect(Object.entries(headers)).toEqual([
      ['constructor', 'x'],
      ['__proto__', 'y'],
      ['tostring', 'z, w'],
    ])
  })

  it('joins repeated headers with ", " (names are case-insensitive)', () => {
    expect(tail(['tail', 'ws://127.0.0.1:1/', '-H', 'X-T: a', '-H', 'x-t: b']).headers).toEqual({ 'x-t': 'a, b' })
  })

  it('--help and --version win over everything else', () => {
    expect(parseCommand(['tail', 'http://127.0.0.1/', '--help'])).toEqual({ kind: 'help' })
    expect(parseCommand(['-h'])).toEqual({ kind: 'help' })
    expect(parseCommand(['--version', 'tail'])).toEqual({ kind: 'version' })
  })

  it.each([
    [['tail', 'http://127.0.0.1/', 'extra'], "unexpected argument 'extra'"],
    [['tail', 'ws://127.0.0.1/', '--channel', 'ticker'], "--channel needs the server's http(s) base URL, not ws://"],
    [['tail', 'http://127.0.0.1/', '--channel', ','], '--channel needs at least one name'],
    [
      ['tail', 'http://127.0.0.1/', '--channel', 'ticker', '--format', 'text'],
      '--format applies to raw streams; channels carry JSON',
    ],
    [
      ['tail', 'http://127.0.0.1/', '--channel', 'ticker', '--post', '{}'],
      '--post applies to raw SSE streams, not to --channel',
    ],
    [['tail', 'ws://127.0.0.1/', '--post', '{}'], '--post needs an SSE endpoint (http or https), not a WebSocket'],
    [
      ['tail', 'http://127.0.0.1/', '--transport', 'ws', '--post', '{}'],
      '--post needs an SSE endpoint (http or https), not a WebSocket',
    ],
    [['tail', 'http://127.0.0.1/', '--post', '@'], '--post needs inline JSON, @file or @-'],
    [['tail', 'http://127.0.0.1/', '--since', ''], '--since needs an event id'],
    [
      ['tail', 'http://127.0.0.1/', '--transport', 'carrier-pigeon'],
      "--transport must be sse, ws or auto, not 'carrier-pigeon'",
    ],
    [
      ['tail', 'http://127.0.0.1/', '--max-retries', '1e3'],
      "--max-retries needs a whole number from 0 to 1000000, not '1e3'",
    ],
    [['tail', 'http://127.0.0.1/', '-H', 'Bad Name: x'], "-H 'Bad Name: x': 'Bad Name' is not a header name"],
    [['tail', 'http://127.0.0.1/', '-H', 'X-A: a\x01b'], 'the value has a control character (U+0001)'],
    [['tail', 'http://127.0.0.1/', '-H', 'X-A: a\x7fb'], 'the value has a control character (U+007F)'],
    [['tail', 'http://127.0.0.1/', '-H', 'X-A: caf\u00e9 \u2713'], 'the value has a character past U+00FF (U+2713)'],
    [['tail', 'http://127.0.0.1/', '--json=yes'], "Option '--json' does not take an argument"],
    [['tail', 'http://127.0.0.1/', '--since'], "Option '--since <value>' argument missing"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError)
    expect(() => parseCommand(argv)).toThrow(message)
  })
})
