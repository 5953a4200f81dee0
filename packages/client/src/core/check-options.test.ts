/**
 * Every option of `subscribe()`, `createClient()` and `client.subscribe()` is checked at call time (issue 9 item
 * 13): a table per form, typed `Record<keyof Options, …>` so an option added later without a case does not
 * compile. Bad values throw a fatal `invalid_options` naming the option (`parent.child` when nested) and the value;
 * good values pass. Nothing connects: every call carries an aborted signal, or the client is closed at once.
 */
import { describe, expect, it } from 'vitest'
import { expectCode } from '../../test/support/thrown'
import { createClient } from '../channels/client'
import { sseTransport, webSocketTransport } from '../channels/index'
import { checkOptions, SUBSCRIBE_OPTIONS } from './check-options'
import type { SwitchlineError } from './errors'
import { subscribe } from '../raw/subscribe'
import type { ChannelSubscribeOptions, ClientOptions, SubscribeOptions } from '../types'

/** One bad value, and the option path the message must name (default: the key itself). */
type Bad = [value: unknown, path?: string]
type Table<O> = Record<keyof O, { bad: Bad[]; good: unknown[] }>

const fn = (): void => {}
const schema = { '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }) } }
const aborted = (): AbortSignal => AbortSignal.abort()

/** Options both subscribe forms take. */
const SHARED = {
  onEvent: { bad: [['x'], [{}]], good: [fn] },
  onState: { bad: [[1]], good: [fn] },
  onGap: { bad: [[{}]], good: [fn] },
  onError: { bad: [[true]], good: [fn] },
  onTransport: { bad: [['badge'], [{}]], good: [fn] },
  signal: { bad: [[{}], ['abort'], [true]], good: [aborted()] },
  lastEventId: { bad: [[42], [{}]], good: ['e1-3', ''] },
  schema: { bad: [[{}], [fn]], good: [schema] },
  buffer: {
    bad: [
      [5],
      [{ maxSize: 0 }, 'buffer.maxSize'],
      [{ maxSize: 1.5 }, 'buffer.maxSize'],
      [{ maxSize: '10' }, 'buffer.maxSize'],
      [{ overflow: 'drop' }, 'buffer.overflow'],
    ],
    good: [{}, { maxSize: 1, overflow: 'drop-oldest' }, { maxSize: Infinity, overflow: 'error' }],
  },
  transport: { bad: [['SSE'], ['websockets'], [''], [1]], good: ['auto', 'sse', 'websocket'] },
} satisfies Partial<Table<SubscribeOptions<unknown>>>

const RECONNECT = {
  bad: [
    [true],
    [{ maxAttempts: -3 }, 'reconnect.maxAttempts'],
    [{ maxAttempts: 0 }, 'reconnect.maxAttempts'],
    [{ maxAttempts: 2.5 }, 'reconnect.maxAttempts'],
    [{ resetAfterMs: '5s' }, 'reconnect.resetAfterMs'],
    [{ backoff: 100 }, 'reconnect.backoff'],
    [{ pauseWhenHidden: 'yes' }, 'reconnect.pauseWhenHidden'],
  ] as Bad[],
  good: [
    false,
    {},
    { maxAttempts: 3, resetAfterMs: 0, backoff: () => 10, pauseWhenHidden: true },
    { maxAttempts: Infinity },
  ],
}
const PLATFORM = {
  bad: [
    [3],
    [{ fetch: 'x' }, 'platform.fetch'],
    [{ random: 0.5 }, 'platform.random'],
    [{ timers: 1 }, 'platform.timers'],
  ] as Bad[],
  good: [{}, { random: Math.random, EventSource: undefined }],
}
const SEND_QUEUE = {
  bad: [
    [3],
    [{ maxCount: 0 }, 'sendQueue.maxCount'],
    [{ maxCount: -1 }, 'sendQueue.maxCount'],
    [{ maxBytes: -1 }, 'sendQueue.maxBytes'],
    [{ maxBytes: '1MB' }, 'sendQueue.maxBytes'],
  ] as Bad[],
  good: [{}, { maxCount: 5, maxBytes: 0 }, { maxCount: Infinity, maxBytes: Infinity }],
}
const MS = { bad: [['10s'], [-5], [Number.NaN], [null]] as Bad[], good: [0, 5000, Infinity] }
/** maxMessageBytes (both forms): a positive integer, as ws-inbound-limit.test.ts expects too. */
const BYTES = { bad: [[0], [-1], [1.5], ['1mb'], [Number.NaN], [Infinity]] as Bad[], good: [1, 1_048_576] }

const SUBSCRIBE: Table<SubscribeOptions<unknown>> = {
  ...SHARED,
  reconnect: RECONNECT,
  platform: PLATFORM,
  format: { bad: [['xml'], [null]], good: ['json', 'text', (text: string) => text] },
  done: { bad: [[1]], good: ['[DONE]', (data: string) => data === 'x'] },
  method: { bad: [[''], ['GE T'], [1]], good: ['GET', 'post'] },
  body: { bad: [[1], [null], [true]], good: ['text', { a: 1 }, [1, 2]] },
  headers: { bad: [['x: y'], [1]], good: [{ 'x-a': '1' }, () => ({})] },
  token: { bad: [['sk-123']], good: [() => 't'] },
  withCredentials: { bad: [['true'], [1]], good: [true, false] },
  sse: { bad: [['EventSource'], ['xhr']], good: ['auto', 'fetch'] },
  events: { bad: [['message'], [[1]]], good: [[], ['message', 'tick']] },
  stallTimeoutMs: MS,
  connectTimeoutMs: MS,
  protocols: { bad: [[1], [[1]]], good: ['v1', ['v1', 'v2']] },
  ping: {
    bad: [
      [true],
      [{ message: 'ping' }, 'ping.isPong'],
      [{ isPong: fn }, 'ping.message'],
      [{ message: 'p', isPong: fn, intervalMs: 0 }, 'ping.intervalMs'],
      [{ message: 'p', isPong: fn, timeoutMs: -1 }, 'ping.timeoutMs'],
    ],
    good: [
      false,
      { message: 'p', isPong: () => true },
      { message: () => 'p', isPong: () => true, intervalMs: 10, timeoutMs: 5 },
    ],
  },
  maxMessageBytes: BYTES,
  sendQueue: SEND_QUEUE,
  // Raw mode (issue 13): the cases of the former raw-options-check.test.ts, plus the nested paths.
  firstByteTimeoutMs: MS,
  ignoreEvents: { bad: [['heartbeat'], [[1]]], good: [[], ['heartbeat', 'ping']] },
  dedupe: { bad: [[true], ['Unique'], [0]], good: [false, 'unique', 'ordered'] },
  resend: { bad: [['yes'], [1]], good: [true, false] },
  closeCodes: {
    bad: [[{ 999: 'fatal' }], [{ 5000: 'retry' }], [{ 4001: 'stop' }], [{ x: 'fatal' }], [4001], [null]],
    good: [{}, { 4001: 'fatal', 1008: 'retry' }],
  },
  pong: {
    bad: [
      [true],
      [{ isPing: () => true }, 'pong.reply'],
      [{ reply: 'pong' }, 'pong.isPing'],
      [{ isPing: 'ping', reply: 'pong' }, 'pong.isPing'],
      [{ isPing: fn, reply: 1 }, 'pong.reply'],
    ],
    good: [false, { isPing: () => true, reply: 'pong' }, { isPing: () => true, reply: (ping: string) => ping }],
  },
}

const CLIENT: Table<Omit<ClientOptions, 'url'>> = {
  transports: {
    bad: [[[]], [['sse']], [[{ kind: 'http', create: fn }]], [[{ kind: 'sse' }]]],
    good: [[sseTransport], [webSocketTransport, sseTransport]],
  },
  transport: SHARED.transport,
  sendChannels: { bad: [['chat'], [[1]]], good: [[], ['chat']] },
  token: SUBSCRIBE.token,
  headers: SUBSCRIBE.headers,
  withCredentials: SUBSCRIBE.withCredentials,
  reconnect: RECONNECT,
  ping: {
    bad: [[false], [{ intervalMs: 0 }, 'ping.intervalMs'], [{ timeoutMs: '1s' }, 'ping.timeoutMs']],
    good: [{}, { intervalMs: 1000, timeoutMs: 500 }],
  },
  stallTimeoutMs: MS,
  connectTimeoutMs: MS,
  maxMessageBytes: BYTES,
  sendQueue: SEND_QUEUE,
  ackTimeoutMs: MS,
  publishTimeoutMs: MS,
  reprobeWebSocketMs: MS,
  platform: PLATFORM,
  onConnectionState: { bad: [['log']], good: [fn] },
  onTransport: { bad: [['log'], [true]], good: [fn] },
}

const CHANNEL: Table<ChannelSubscribeOptions<unknown>> = { ...SHARED, key: { bad: [[1], [{}]], good: ['room-a'] } }

function thrown(call: () => unknown): SwitchlineError {
  try {
    call()
  } catch (error) {
    return error as SwitchlineError
  }
  throw new Error('expected a throw')
}

/** Runs the table of one form: `call(options)` must throw for every bad value and not for good ones. */
function checkTable(name: string, table: Table<object>, call: (options: Record<string, unknown>) => void): void {
  for (const [key, { bad, good }] of Object.entries(table) as Array<[string, { bad: Bad[]; good: unknown[] }]>) {
    it(`${name}: \`${key}\``, () => {
      for (const [value, path = key] of bad) {
        const error = thrown(() => call({ [key]: value }))
        expect(error, `${key}: ${String(value)}`).toMatchObject({ code: 'invalid_options', fatal: true })
        expect(error.message).toContain(`${name}: \`${path}\` must be`)
        if (typeof value === 'string') expect(error.message).toContain(`got ${JSON.stringify(value)}`)
        if (typeof value === 'number') expect(error.message).toContain(`got ${String(value)}`)
      }
      for (const value of good) expect(() => call({ [key]: value }), `${key}: ${String(value)}`).not.toThrow()
    })
  }
}

describe('option checks', () => {
  checkTable('subscribe()', SUBSCRIBE, (options) => {
    subscribe('https://example.test/x', { signal: aborted(), ...options } as SubscribeOptions<unknown>)
  })
  checkTable('createClient()', CLIENT, (options) => {
    createClient({ url: 'https://example.test/rt', ...options } as ClientOptions).close()
  })
  const rt = createClient({ url: 'https://example.test/rt' })
  checkTable('client.subscribe()', CHANNEL, (options) => {
    rt.subscribe('ticker', { signal: aborted(), ...options } as ChannelSubscribeOptions<unknown>)
  })

  it('the issue 9 examples fail with a message naming the option and the value', () => {
    expect(thrown(() => subscribe('https://x.test/', { transport: 'SSE' as 'sse' })).message).toBe(
      "subscribe(): `transport` must be one of 'auto', 'sse', 'websocket', got \"SSE\"",
    )
    expect(thrown(() => subscribe('https://x.test/', { connectTimeoutMs: -5 })).message).toBe(
      'subscribe(): `connectTimeoutMs` must be a number ≥ 0, got -5',
    )
    expect(thrown(() => subscribe('https://x.test/', { reconnect: { maxAttempts: -3 } })).message).toBe(
      'subscribe(): `reconnect.maxAttempts` must be an integer ≥ 1 or Infinity, got -3',
    )
    expect(thrown(() => subscribe('https://x.test/', { buffer: { maxSize: 0 } })).message).toContain('`buffer.maxSize`')
    expect(
      thrown(() => createClient({ url: 'https://x.test/rt', stallTimeoutMs: '10s' as unknown as number })).message,
    ).toBe('createClient(): `stallTimeoutMs` must be a number ≥ 0, got "10s"')
  })

  it('raw-mode options with good values pass together', () => {
    const sub = subscribe('wss://x.test/', {
      firstByteTimeoutMs: 0,
      ignoreEvents: ['heartbeat'],
      dedupe: 'ordered',
      resend: true,
      closeCodes: { 4001: 'fatal', 1008: 'retry' },
      pong: { isPing: (t) => t === 'ping', reply: 'pong' },
      signal: AbortSignal.abort(),
    })
    expect(sub.state).toBe('closed')
  })

  it('options must be an object; undefined options are the defaults', () => {
    expectCode(() => subscribe('https://x.test/', null as unknown as SubscribeOptions<unknown>), 'invalid_options')
    expectCode(() => rt.subscribe('ticker', 5 as unknown as ChannelSubscribeOptions<unknown>), 'invalid_options')
    expect(() =>
      checkOptions('subscribe()', { transport: undefined, reconnect: undefined }, SUBSCRIBE_OPTIONS),
    ).not.toThrow()
  })
})
