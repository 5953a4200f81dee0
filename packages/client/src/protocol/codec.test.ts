import { describe, expect, it } from 'vitest'
import {
  decodeClientFrame,
  decodeErrorPayload,
  decodeGap,
  decodePublishRequest,
  decodeServerFrame,
  decodeSseMessage,
  decodeSseReady,
  encodeFrame,
  type Decoded,
} from './codec'
import { ERROR_CODES } from './codes'
import type { ClientFrame, ServerFrame } from './frames'

type Kind = 'str' | 'int' | 'data' | 'strOrNull' | 'reason' | 'code' | 'bool' | 'strArray'
interface FieldSpec {
  kind: Kind
  optional?: boolean
}
type Spec = Record<string, FieldSpec>

/** Values of the wrong type for each kind of field (as they would arrive in JSON). */
const WRONG: Record<Kind, unknown[]> = {
  str: [1, true, null, {}, []],
  int: ['1', 1.5, true, null, {}, [], 9_007_199_254_740_992, 1e300],
  data: [], // any JSON value is valid data
  strOrNull: [1, true, {}, []],
  reason: ['other', 'Retention', '', 1, null],
  code: ['Bad_Request', 'has space', '', '_x', 1, null],
  bool: ['true', 1, 0, null],
  strArray: ['a', [1], ['a', null], {}, null],
}

const str: FieldSpec = { kind: 'str' }
const optStr: FieldSpec = { kind: 'str', optional: true }
const int: FieldSpec = { kind: 'int' }
const optInt: FieldSpec = { kind: 'int', optional: true }
const data: FieldSpec = { kind: 'data' }

const CLIENT: Record<ClientFrame['type'], { spec: Spec; samples: ClientFrame[] }> = {
  hello: {
    spec: { token: optStr },
    samples: [{ type: 'hello' }, { type: 'hello', token: 't0k3n' }, { type: 'hello', token: '' }],
  },
  subscribe: {
    spec: { id: int, channel: str, cursor: optStr },
    samples: [
      { type: 'subscribe', id: 1, channel: 'ticker' },
      { type: 'subscribe', id: 0, channel: 'chat:room-a', cursor: 'k3f9a-1042' },
    ],
  },
  unsubscribe: { spec: { id: int, channel: str }, samples: [{ type: 'unsubscribe', id: 2, channel: 'ticker' }] },
  publish: {
    spec: { id: int, channel: str, data, event: optStr, mid: optStr },
    samples: [
      { type: 'publish', id: 3, channel: 'chat', data: { text: 'hi', n: [1, 2.5, null, true] } },
      { type: 'publish', id: 4, channel: 'chat', data: null, event: 'typing', mid: 'm-1' },
      { type: 'publish', id: 5, channel: 'chat', data: 'plain' },
      { type: 'publish', id: 6, channel: 'chat', data: 0 },
      { type: 'publish', id: 7, channel: 'chat', data: false },
    ],
  },
  ping: { spec: { id: optInt }, samples: [{ type: 'ping' }, { type: 'ping', id: 9 }] },
}

const SERVER: Record<ServerFrame['type'], { spec: Spec; samples: ServerFrame[] }> = {
  welcome: {
    spec: { epoch: str, idleTimeoutMs: int, maxFrameBytes: int },
    samples: [{ type: 'welcome', epoch: 'k3f9a', idleTimeoutMs: 45_000, maxFrameBytes: 65_536 }],
  },
  subscribed: {
    spec: { id: int, channel: str, cursor: str },
    samples: [{ type: 'subscribed', id: 1, channel: 'ticker', cursor: 'k3f9a-0' }],
  },
  unsubscribed: { spec: { id: int, channel: str }, samples: [{ type: 'unsubscribed', id: 2, channel: 'ticker' }] },
  event: {
    spec: { channel: str, id: str, data, event: optStr },
    samples: [
      { type: 'event', channel: 'ticker', id: 'k3f9a-1', data: { p: 1 } },
      { type: 'event', channel: 'chat:a', id: 'k3f9a-2', data: [1, 'x'], event: 'message' },
      { type: 'event', channel: 'chat:a', id: 'k3f9a-3', data: null },
    ],
  },
  gap: {
    spec: { channel: str, from: { kind: 'strOrNull' }, to: { kind: 'strOrNull' }, reason: { kind: 'reason' } },
    samples: [
      { type: 'gap', channel: 'ticker', from: 'old-5', to: 'k3f9a-7', reason: 'epoch' },
      { type: 'gap', channel: 'ticker', from: 'k3f9a-5', to: null, reason: 'retention' },
      { type: 'gap', channel: 'ticker', from: null, to: null, reason: 'epoch' },
    ],
  },
  ack: { spec: { id: int, eventId: str }, samples: [{ type: 'ack', id: 3, eventId: 'k3f9a-9' }] },
  pong: { spec: { id: optInt }, samples: [{ type: 'pong' }, { type: 'pong', id: 9 }] },
  error: {
    spec: {
      code: { kind: 'code' },
      message: str,
      channel: optStr,
      fatal: { kind: 'bool', optional: true },
      id: optInt,
    },
    samples: [
      { type: 'error', code: 'unknown_channel', message: 'no such channel', channel: 'nope', fatal: true, id: 1 },
      { type: 'error', code: 'rate_limited', message: 'slow down', fatal: false },
    ],
  },
}

function expectOk<T>(result: Decoded<T>): T {
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`)
  return result.value
}

function expectRejected(result: Decoded<unknown>, reason?: string | RegExp): void {
  expect(result.ok).toBe(false)
  if (!result.ok) {
    expect(typeof result.reason).toBe('string')
    expect(result.reason.length).toBeGreaterThan(0)
    if (typeof reason === 'string') expect(result.reason).toBe(reason)
    else if (reason) expect(result.reason).toMatch(reason)
  }
}

/** Every malformed variant of `sample` per `spec`: each required field missing, each field mistyped. */
function* mutations(sample: object, spec: Spec): Generator<[string, Record<string, unknown>]> {
  for (const [field, { kind, optional }] of Object.entries(spec)) {
    if (!optional) {
      const copy: Record<string, unknown> = { ...sample }
      delete copy[field]
      yield [`without ${field}`, copy]
    }
    for (const wrong of WRONG[kind]) yield [`${field} = ${JSON.stringify(wrong)}`, { ...sample, [field]: wrong }]
    if (optional) yield [`${field} = null`, { ...sample, [field]: null }]
  }
}

function commonRejections(decode: (text: string) => Decoded<unknown>): void {
  it('rejects text that is not JSON', () => {
    for (const text of ['', ' ', '{', 'hello', "{'type':'ping'}", '{"type":"ping",}', 'undefined', '\u0000']) {
      expectRejected(decode(text), 'not JSON')
    }
  })

  it('rejects JSON that is not an object', () => {
    for (const text of ['[]', '[{"type":"ping"}]', 'null', '1', '"ping"', 'true']) {
      expectRejected(decode(text), 'not a JSON object')
    }
  })
}

describe('encodeFrame', () => {
  it('writes one line of JSON', () => {
    const text = encodeFrame({ type: 'publish', id: 1, channel: 'c', data: { text: 'a\nb' } })
    expect(text).not.toContain('\n')
    expect(JSON.parse(text)).toEqual({ type: 'publish', id: 1, channel: 'c', data: { text: 'a\nb' } })
  })

  it('leaves out undefined optional fields', () => {
    expect(encodeFrame({ type: 'hello' })).toBe('{"type":"hello"}')
    expect(encodeFrame({ type: 'ping', id: undefined } as unknown as ClientFrame)).toBe('{"type":"ping"}')
  })
})

describe('decodeClientFrame', () => {
  commonRejections(decodeClientFrame)

  for (const [type, { spec, samples }] of Object.entries(CLIENT)) {
    describe(type, () => {
      it('round-trips', () => {
        for (const frame of samples) expect(expectOk(decodeClientFrame(encodeFrame(frame)))).toEqual(frame)
      })

      it('rejects missing and mistyped fields with a reason', () => {
        for (const [label, bad] of mutations(samples[0]!, spec)) {
          const result = decodeClientFrame(JSON.stringify(bad))
          expect(result.ok, label).toBe(false)
          expectRejected(result, `malformed ${type} frame`)
        }
      })

      it('accepts (and keeps) extra fields', () => {
        const frame = { ...samples[0]!, extra: { nested: true }, v: 2 }
        expect(expectOk(decodeClientFrame(JSON.stringify(frame)))).toEqual(frame)
      })
    })
  }

  it('rejects a missing, unknown or mistyped type', () => {
    for (const frame of [
      {},
      { id: 1 },
      { type: 'nope' },
      { type: 'PING' },
      { type: 1 },
      { type: null },
      { type: ['ping'] },
    ]) {
      expectRejected(decodeClientFrame(JSON.stringify(frame)), 'unknown frame type')
    }
  })

  it('does not take inherited property names for frame types', () => {
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expectRejected(decodeClientFrame(JSON.stringify({ type })), 'unknown frame type')
    }
  })

  it('rejects server frames (each side decodes only what the other sends)', () => {
    for (const { samples } of Object.values(SERVER)) {
      for (const frame of samples) expectRejected(decodeClientFrame(encodeFrame(frame)), 'unknown frame type')
    }
  })
})

describe('decodeServerFrame', () => {
  commonRejections(decodeServerFrame)

  for (const [type, { spec, samples }] of Object.entries(SERVER)) {
    describe(type, () => {
      it('round-trips', () => {
        for (const frame of samples) expect(expectOk(decodeServerFrame(encodeFrame(frame)))).toEqual(frame)
      })

      it('rejects missing and mistyped fields with a reason', () => {
        for (const [label, bad] of mutations(samples[0]!, spec)) {
          const result = decodeServerFrame(JSON.stringify(bad))
          expect(result.ok, label).toBe(false)
          expectRejected(result, `malformed ${type} frame`)
        }
      })

      it('accepts (and keeps) extra fields', () => {
        const frame = { ...samples[0]!, extra: 'x' }
        expect(expectOk(decodeServerFrame(JSON.stringify(frame)))).toEqual(frame)
      })
    })
  }

  it('accepts every protocol error code in an error frame', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(decodeServerFrame(JSON.stringify({ type: 'error', code, message: 'm', fatal: false })).ok, code).toBe(true)
    }
  })

  it('rejects a missing, unknown or mistyped type', () => {
    for (const frame of [
      {},
      { type: 'nope' },
      { type: 'Event' },
      { type: 7 },
      { type: 'toString' },
      { type: '__proto__' },
    ]) {
      expectRejected(decodeServerFrame(JSON.stringify(frame)), 'unknown frame type')
    }
  })

  it('rejects client frames', () => {
    for (const { samples } of Object.values(CLIENT)) {
      for (const frame of samples) {
        // `ping` and `pong` differ by name only; every client type is unknown to the server decoder
        expectRejected(decodeServerFrame(encodeFrame(frame)), 'unknown frame type')
      }
    }
  })

  it('reads integers written with an exponent or a .0, as JSON allows', () => {
    expect(expectOk(decodeServerFrame('{"type":"ack","id":1e2,"eventId":"a-1"}'))).toMatchObject({ id: 100 })
    expect(expectOk(decodeServerFrame('{"type":"ack","id":3.0,"eventId":"a-1"}'))).toMatchObject({ id: 3 })
  })

  it('a duplicated key takes its last value (JSON.parse semantics)', () => {
    expectRejected(decodeServerFrame('{"type":"ack","id":1,"eventId":"a-1","id":"x"}'))
    expect(decodeServerFrame('{"type":"ack","id":"x","eventId":"a-1","id":1}').ok).toBe(true)
  })
})

describe('decodeSseMessage', () => {
  commonRejections(decodeSseMessage)

  it('round-trips channel events with and without an event name', () => {
    for (const payload of [
      { channel: 'ticker', data: { p: 1 } },
      { channel: 'chat:a', data: null, event: 'typing' },
      { channel: 'c', data: [] },
    ]) {
      expect(expectOk(decodeSseMessage(encodeFrame(payload)))).toEqual(payload)
    }
  })

  it('rejects malformed payloads with a reason', () => {
    for (const [label, bad] of mutations({ channel: 'c', data: 1 }, { channel: str, data, event: optStr })) {
      const result = decodeSseMessage(JSON.stringify(bad))
      expect(result.ok, label).toBe(false)
      expectRejected(result, 'malformed channel event')
    }
  })
})

describe('decodeSseReady', () => {
  commonRejections(decodeSseReady)
  const ready = { epoch: 'k3f9a', heartbeatMs: 15_000, channels: ['ticker', 'chat:a'], cursor: 'k3f9a-12' }

  it('round-trips', () => {
    expect(expectOk(decodeSseReady(encodeFrame(ready)))).toEqual(ready)
    expect(expectOk(decodeSseReady(encodeFrame({ ...ready, channels: [] })))).toEqual({ ...ready, channels: [] })
  })

  it('rejects malformed payloads with a reason', () => {
    const spec: Spec = { epoch: str, heartbeatMs: int, channels: { kind: 'strArray' }, cursor: str }
    for (const [label, bad] of mutations(ready, spec)) {
      const result = decodeSseReady(JSON.stringify(bad))
      expect(result.ok, label).toBe(false)
      expectRejected(result, 'malformed sl-ready')
    }
  })
})

describe('decodeGap', () => {
  commonRejections(decodeGap)

  it('round-trips', () => {
    for (const gap of SERVER.gap.samples) {
      const { type: _type, ...payload } = gap
      expect(expectOk(decodeGap(encodeFrame(payload)))).toEqual(payload)
    }
  })

  it('rejects malformed payloads with a reason', () => {
    const { spec, samples } = SERVER.gap
    const { type: _type, ...payload } = samples[0]!
    for (const [label, bad] of mutations(payload, spec)) {
      const result = decodeGap(JSON.stringify(bad))
      expect(result.ok, label).toBe(false)
      expectRejected(result, 'malformed gap')
    }
  })
})

describe('decodeErrorPayload', () => {
  commonRejections(decodeErrorPayload)

  it('round-trips sl-error payloads', () => {
    for (const payload of [
      { code: 'slow_consumer', message: 'too slow', fatal: false },
      { code: 'forbidden', message: 'no', channel: 'admin', fatal: true },
    ]) {
      expect(expectOk(decodeErrorPayload(encodeFrame(payload)))).toEqual(payload)
    }
  })

  it('rejects malformed payloads with a reason', () => {
    const spec: Spec = {
      code: { kind: 'code' },
      message: str,
      channel: optStr,
      fatal: { kind: 'bool', optional: true },
    }
    for (const [label, bad] of mutations({ code: 'internal', message: 'm', fatal: false }, spec)) {
      const result = decodeErrorPayload(JSON.stringify(bad))
      expect(result.ok, label).toBe(false)
      expectRejected(result, 'malformed error')
    }
  })

  it('decodes a §7 HTTP error body, which has no `fatal`, defaulting it from the code table', () => {
    expect(expectOk(decodeErrorPayload('{"code":"not_found","message":"no such path"}')).fatal).toBe(true)
    expect(expectOk(decodeErrorPayload('{"code":"rate_limited","message":"later"}')).fatal).toBe(false)
  })

  it('accepts an unknown (newer) error code as retryable', () => {
    expect(expectOk(decodeErrorPayload('{"code":"brand_new","message":"?"}')).fatal).toBe(false)
    const frame = expectOk(decodeServerFrame('{"type":"error","code":"brand_new","message":"?"}'))
    expect(frame).toMatchObject({ type: 'error', code: 'brand_new', fatal: false })
  })
})

describe('decodePublishRequest', () => {
  commonRejections(decodePublishRequest)

  it('round-trips', () => {
    for (const body of [
      { channel: 'chat', data: { text: 'hi' } },
      { channel: 'chat', data: null, event: 'typing', mid: 'm-1' },
    ]) {
      expect(expectOk(decodePublishRequest(encodeFrame(body)))).toEqual(body)
    }
  })

  it('rejects malformed bodies with a reason', () => {
    for (const [label, bad] of mutations(
      { channel: 'c', data: 1 },
      { channel: str, data, event: optStr, mid: optStr },
    )) {
      const result = decodePublishRequest(JSON.stringify(bad))
      expect(result.ok, label).toBe(false)
      expectRejected(result, 'malformed publish request')
    }
  })
})

describe('welcome limits', () => {
  it('rejects an empty epoch and non-positive limits', () => {
    for (const bad of [
      { epoch: '', idleTimeoutMs: 1, maxFrameBytes: 1 },
      { epoch: 'e', idleTimeoutMs: 0, maxFrameBytes: 1 },
      { epoch: 'e', idleTimeoutMs: 1, maxFrameBytes: -5 },
    ]) {
      expect(decodeServerFrame(JSON.stringify({ type: 'welcome', ...bad })).ok).toBe(false)
    }
  })
})
