import { describe, expect, it } from 'vitest'
import {
  classifyClose,
  classifyHttpResponse,
  isSwitchlineError,
  MAX_RETRY_AFTER_MS,
  parseRetryAfterHeader,
  SwitchlineError,
  type SwitchlineErrorCode,
} from './errors'
import { CLOSE_CODES } from '../protocol/codes'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
const SSE = 'text/event-stream'

function http(status: number, extra: Partial<Parameters<typeof classifyHttpResponse>[0]> = {}) {
  return classifyHttpResponse({ status, contentType: null, retryAfter: null, now: NOW, ...extra })
}

function errorOf(result: ReturnType<typeof classifyHttpResponse>): SwitchlineError {
  if (result.kind === 'ok') throw new Error('expected an error')
  return result.error
}

describe('SwitchlineError', () => {
  it('carries name, code, message and defaults fatal to false', () => {
    const error = new SwitchlineError('network', 'boom')
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(SwitchlineError)
    expect(error.name).toBe('SwitchlineError')
    expect(error.code).toBe('network')
    expect(error.message).toBe('boom')
    expect(error.fatal).toBe(false)
    expect(String(error)).toBe('SwitchlineError: boom')
    expect(error.stack).toContain('SwitchlineError')
  })

  it('does not define details that were not given (exactOptionalPropertyTypes holds at runtime)', () => {
    const error = new SwitchlineError('closed', 'closed')
    for (const key of ['status', 'closeCode', 'protocolCode', 'channel', 'retryAfterMs', 'cause']) {
      expect(Object.hasOwn(error, key), key).toBe(false)
    }
  })

  it('keeps every detail, and cause as the standard Error.cause', () => {
    const cause = new TypeError('inner')
    const error = new SwitchlineError('protocol', 'denied', {
      status: 403,
      closeCode: 4003,
      protocolCode: 'forbidden',
      channel: 'chat:a',
      fatal: true,
      retryAfterMs: 10,
      cause,
    })
    expect(error).toMatchObject({
      status: 403,
      closeCode: 4003,
      protocolCode: 'forbidden',
      channel: 'chat:a',
      fatal: true,
      retryAfterMs: 10,
    })
    expect(error.cause).toBe(cause)
  })

  it('keeps an explicitly undefined cause', () => {
    const error = new SwitchlineError('decode', 'x', { cause: undefined })
    expect('cause' in error).toBe(true)
    expect(error.cause).toBeUndefined()
  })
})

describe('isSwitchlineError', () => {
  it('recognises instances, optionally by code', () => {
    const error = new SwitchlineError('timeout', 't')
    expect(isSwitchlineError(error)).toBe(true)
    expect(isSwitchlineError(error, 'timeout')).toBe(true)
    expect(isSwitchlineError(error, 'closed')).toBe(false)
  })

  it('rejects non-errors and other errors', () => {
    for (const value of [undefined, null, 'SwitchlineError', 42, {}, new Error('x'), new TypeError('x')]) {
      expect(isSwitchlineError(value)).toBe(false)
    }
    expect(isSwitchlineError({ name: 'SwitchlineError', code: 'closed', message: '' })).toBe(false)
  })

  it('recognises an error from another copy of the package by name and code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'SwitchlineError', code: 'closed' })
    expect(isSwitchlineError(foreign)).toBe(true)
    expect(isSwitchlineError(foreign, 'closed')).toBe(true)
    expect(isSwitchlineError(foreign, 'aborted')).toBe(false)
    expect(isSwitchlineError(Object.assign(new Error('x'), { name: 'SwitchlineError' }))).toBe(false)
  })

  it('narrows the type', () => {
    const value: unknown = new SwitchlineError('queue_full', 'q')
    if (isSwitchlineError(value)) {
      const code: SwitchlineErrorCode = value.code
      expect(code).toBe('queue_full')
    } else {
      expect.unreachable()
    }
  })
})

describe('parseRetryAfterHeader', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterHeader('0', NOW)).toBe(0)
    expect(parseRetryAfterHeader('5', NOW)).toBe(5000)
    expect(parseRetryAfterHeader(' 120 ', NOW)).toBe(120_000)
    expect(parseRetryAfterHeader('007', NOW)).toBe(7000)
  })

  it('reads all three HTTP-date formats relative to now', () => {
    const now = Date.UTC(1994, 10, 6, 8, 49, 0)
    expect(parseRetryAfterHeader('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(37_000)
    expect(parseRetryAfterHeader('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(37_000)
    expect(parseRetryAfterHeader('Sun Nov  6 08:49:37 1994', now)).toBe(37_000)
  })

  it('gives 0 for a date in the past', () => {
    expect(parseRetryAfterHeader('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0)
  })

  it('clamps to the longest timer delay', () => {
    expect(parseRetryAfterHeader('99999999999999999999', NOW)).toBe(MAX_RETRY_AFTER_MS)
    expect(parseRetryAfterHeader('Fri, 31 Dec 9999 23:59:59 GMT', NOW)).toBe(MAX_RETRY_AFTER_MS)
  })

  it('ignores absent, negative, fractional and garbage values (no lenient Date.parse)', () => {
    for (const value of [
      null,
      undefined,
      '',
      ' ',
      '-1',
      '1.5',
      '5s',
      'soon',
      '2026-01-01',
      '5.5',
      'Sun, 06 Nov 1994',
    ]) {
      expect(parseRetryAfterHeader(value, NOW), String(value)).toBeUndefined()
    }
    expect(parseRetryAfterHeader('Sun, 99 Nov 1994 08:49:37 GMT', NOW)).toBeUndefined()
  })
})

describe('classifyHttpResponse', () => {
  it('200 + text/event-stream is ok, with parameters and any case', () => {
    for (const contentType of [
      SSE,
      'text/event-stream; charset=utf-8',
      'Text/Event-Stream',
      ' text/event-stream ;x=y',
    ]) {
      expect(http(200, { contentType })).toEqual({ kind: 'ok' })
    }
  })

  it('200 with another or no content type is fatal content_type', () => {
    for (const contentType of ['text/html', 'application/json', 'text/event-streams', '', null]) {
      const result = http(200, { contentType })
      expect(result.kind).toBe('fatal')
      expect(errorOf(result)).toMatchObject({ code: 'content_type', status: 200, fatal: true })
    }
  })

  it('204 is fatal http_status (R23), whatever the content type', () => {
    const result = http(204, { contentType: SSE })
    expect(result.kind).toBe('fatal')
    expect(errorOf(result)).toMatchObject({ code: 'http_status', status: 204, fatal: true })
  })

  it('401 is retryable unauthorized', () => {
    const result = http(401, { body: '{"code":"unauthorized","message":"token expired"}' })
    expect(result.kind).toBe('retry')
    const error = errorOf(result)
    expect(error).toMatchObject({ code: 'unauthorized', status: 401, fatal: false, protocolCode: 'unauthorized' })
    expect(error.message).toContain('token expired')
  })

  it('408, 429 and every 5xx are retryable http_status with Retry-After', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599]) {
      const result = http(status, { retryAfter: '3' })
      expect(result.kind, String(status)).toBe('retry')
      expect(errorOf(result)).toMatchObject({ code: 'http_status', status, fatal: false, retryAfterMs: 3000 })
    }
  })

  it('honours an HTTP-date Retry-After given now', () => {
    const retryAfter = new Date(NOW + 90_000).toUTCString()
    expect(errorOf(http(503, { retryAfter })).retryAfterMs).toBe(90_000)
  })

  it('omits retryAfterMs when Retry-After is missing or bad', () => {
    expect('retryAfterMs' in errorOf(http(503))).toBe(false)
    expect('retryAfterMs' in errorOf(http(429, { retryAfter: 'later' }))).toBe(false)
  })

  it('does not attach Retry-After to fatal answers', () => {
    expect('retryAfterMs' in errorOf(http(400, { retryAfter: '3' }))).toBe(false)
  })

  it('other 4xx and anything else are fatal http_status', () => {
    for (const status of [
      400, 402, 403, 404, 405, 409, 410, 413, 415, 418, 451, 499, 0, 100, 201, 206, 301, 302, 304, 600, 999,
    ]) {
      const result = http(status, { contentType: SSE })
      expect(result.kind, String(status)).toBe('fatal')
      expect(errorOf(result)).toMatchObject({ code: 'http_status', status, fatal: true })
    }
  })

  it('takes code, message and channel from a §7 JSON error body', () => {
    const body = '{"code":"unknown_channel","message":"no such channel","channel":"nope"}'
    const error = errorOf(http(404, { body, contentType: 'application/json' }))
    expect(error).toMatchObject({ code: 'http_status', status: 404, protocolCode: 'unknown_channel', channel: 'nope' })
    expect(error.message).toBe('HTTP 404 unknown_channel: no such channel')
  })

  it('accepts an error body with an unknown code or extra fields', () => {
    const error = errorOf(http(400, { body: '{"code":"brand_new","message":"m","fatal":true,"x":1}' }))
    expect(error.protocolCode).toBe('brand_new')
    expect('channel' in error).toBe(false)
  })

  it('takes no protocolCode from a body that is not a §7 error', () => {
    for (const body of [
      '',
      'oops',
      '<html>',
      '[]',
      'null',
      '{"code":1,"message":"m"}',
      '{"code":"x"}',
      '{"message":"m"}',
      '{"error":{"code":"x","message":"m"}}',
    ]) {
      expect('protocolCode' in errorOf(http(500, { body })), body).toBe(false)
    }
  })

  it('says nothing more for a body with nothing to say (empty, HTML, no message or code)', () => {
    for (const body of [
      '',
      '  ',
      '<html><body>Bad Gateway</body></html>',
      '[]',
      'null',
      '{"code":1}',
      '{"x":"y"}',
      '{"error":{}}',
    ]) {
      expect(errorOf(http(500, { body })).message, body).toBe('HTTP 500')
    }
  })

  it('reads the message and code of OpenAI-style, Google-style, {error:"…"}, {message} and text bodies', () => {
    const cases: Array<[string, string, string | undefined]> = [
      [
        '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}',
        'HTTP 401 invalid_api_key: Incorrect API key provided',
        'invalid_api_key',
      ],
      [
        '{"error":{"message":"model not found","type":"invalid_request_error","code":null}}',
        'HTTP 401 invalid_request_error: model not found',
        'invalid_request_error',
      ],
      [
        '{"error":{"code":400,"message":"bad field","status":"INVALID_ARGUMENT"}}',
        'HTTP 401 INVALID_ARGUMENT: bad field',
        'INVALID_ARGUMENT',
      ],
      ['{"error":"quota exceeded"}', 'HTTP 401: quota exceeded', undefined],
      ['{"message":"no such model"}', 'HTTP 401: no such model', undefined],
      ['{"code":"unauthorized","message":"token expired"}', 'HTTP 401 unauthorized: token expired', 'unauthorized'],
      ['  Missing\n  model  ', 'HTTP 401: Missing model', undefined],
    ]
    for (const [body, message, serverCode] of cases) {
      const error = errorOf(http(401, { body }))
      expect(error.message, body).toBe(message)
      expect(error.serverCode, body).toBe(serverCode)
      expect(error.body, body).toBe(body)
    }
  })

  it('keeps protocolCode for our own { code, message } body only, serverCode for every shape', () => {
    expect(errorOf(http(404, { body: '{"code":"unknown_channel","message":"m"}' }))).toMatchObject({
      protocolCode: 'unknown_channel',
      serverCode: 'unknown_channel',
    })
    const openai = errorOf(http(401, { body: '{"error":{"message":"m","code":"invalid_api_key"}}' }))
    expect(openai.serverCode).toBe('invalid_api_key')
    expect('protocolCode' in openai).toBe(false)
  })

  it('carries the URL (in the message too) and the first 500 characters of the body', () => {
    const url = 'http://127.0.0.1:8080/v1/chat/completions'
    const long = `{"error":{"message":"${'x'.repeat(2000)}"}}`
    const error = errorOf(http(400, { url, body: long }))
    expect(error).toMatchObject({ status: 400, url, fatal: true })
    expect(error.body).toBe(long.slice(0, 500))
    expect(error.message.endsWith(` (${url})`)).toBe(true)
    expect(errorOf(http(204, { url })).message).toBe(`HTTP 204: the server asked the client to stop (${url})`)
    expect(errorOf(http(200, { url, contentType: 'text/html' }))).toMatchObject({ code: 'content_type', url })
    expect('body' in errorOf(http(503, { body: '' }))).toBe(false)
  })

  it('retry-after-ms (milliseconds, as LLM APIs send it) wins over Retry-After', () => {
    expect(errorOf(http(429, { retryAfterMs: '1500', retryAfter: '30' })).retryAfterMs).toBe(1500)
    expect(errorOf(http(429, { retryAfterMs: '20.6' })).retryAfterMs).toBe(21)
    expect(errorOf(http(503, { retryAfterMs: 'soon', retryAfter: '3' })).retryAfterMs).toBe(3000)
    expect(errorOf(http(503, { retryAfterMs: '-5', retryAfter: null })).retryAfterMs).toBeUndefined()
    expect('retryAfterMs' in errorOf(http(400, { retryAfterMs: '1500' }))).toBe(false)
  })
})

describe('classifyClose', () => {
  it('fatal close codes are fatal close_code', () => {
    for (const code of [CLOSE_CODES.bad_frame, CLOSE_CODES.forbidden]) {
      const { fatal, error } = classifyClose({ code, reason: 'bye' })
      expect(fatal).toBe(true)
      expect(error).toMatchObject({ code: 'close_code', closeCode: code, fatal: true })
      expect(error.message).toContain('bye')
    }
    expect(classifyClose({ code: 4003, reason: '' }).error.protocolCode).toBe('forbidden')
    expect(classifyClose({ code: 4000, reason: '' }).error.protocolCode).toBe('bad_frame')
  })

  it('4001 is retryable unauthorized', () => {
    const { fatal, error } = classifyClose({ code: 4001, reason: 'token rejected' })
    expect(fatal).toBe(false)
    expect(error).toMatchObject({ code: 'unauthorized', closeCode: 4001, fatal: false, protocolCode: 'unauthorized' })
  })

  it('1013 carries the retry-after hint of its reason', () => {
    expect(classifyClose({ code: 1013, reason: 'retry-after=2500' }).error).toMatchObject({
      code: 'network',
      closeCode: 1013,
      retryAfterMs: 2500,
      fatal: false,
    })
    expect(classifyClose({ code: 1013, reason: 'overloaded; retry-after=10' }).error.retryAfterMs).toBe(10)
    expect('retryAfterMs' in classifyClose({ code: 1013, reason: 'overloaded' }).error).toBe(false)
  })

  it('only 1013 reads a retry-after reason', () => {
    expect('retryAfterMs' in classifyClose({ code: 1001, reason: 'retry-after=2500' }).error).toBe(false)
  })

  it('every other code is retryable network with its closeCode', () => {
    for (const code of [1000, 1001, 1002, 1003, 1005, 1006, 1008, 1009, 1011, 1012, 4008, 4009, 4010, 4999, 3000]) {
      const { fatal, error } = classifyClose({ code, reason: '' })
      expect(fatal, String(code)).toBe(false)
      expect(error).toMatchObject({ code: 'network', closeCode: code, fatal: false })
    }
    expect(classifyClose({ code: 4009, reason: '' }).error.protocolCode).toBe('slow_consumer')
    expect('protocolCode' in classifyClose({ code: 4010, reason: '' }).error).toBe(false)
  })

  it('names known codes in the message', () => {
    expect(classifyClose({ code: 4010, reason: '' }).error.message).toBe('WebSocket closed with 4010 (idle_timeout)')
    expect(classifyClose({ code: 3001, reason: 'x' }).error.message).toBe('WebSocket closed with 3001: x')
  })
})
