import { describe, expect, it } from 'vitest'
import { SwitchlineError } from '@switchline/client'
import { closedVerdict, errorReporter, reconnectOption, retryVerdict } from './verdicts'

const where = 'http://127.0.0.1:1/s'

describe('reconnectOption', () => {
  it('maps --max-retries onto the client: defaults, none, or n retries after the first attempt', () => {
    expect(reconnectOption(undefined)).toEqual({})
    expect(reconnectOption(0)).toBe(false)
    expect(reconnectOption(3)).toEqual({ maxAttempts: 4 })
  })
})

describe('closedVerdict', () => {
  it('a close without an error is a clean end (0)', () => {
    expect(closedVerdict('sse', { from: 'open', to: 'closed', reason: 'done' }, where)).toEqual({
      code: 0,
      line: 'sse: ended (done)',
    })
  })

  it("the server's 204 is a clean end (0): it asks the client to stop", () => {
    const error = new SwitchlineError('http_status', 'HTTP 204: the server asked the client to stop', {
      status: 204,
      fatal: true,
    })
    expect(closedVerdict('sse', { from: 'open', to: 'closed', error }, where)).toEqual({
      code: 0,
      line: 'sse: ended (the server answered 204: stop)',
    })
  })

  it('any other error is fatal (1), in one line', () => {
    const error = new SwitchlineError('http_status', 'HTTP 404', { status: 404, fatal: true })
    expect(closedVerdict('sse', { from: 'connecting', to: 'closed', error }, where)).toEqual({
      code: 1,
      line: `switchline tail: http_status: HTTP 404 (${where})`,
    })
  })
})

describe('retryVerdict', () => {
  const retry = (error?: SwitchlineError) =>
    error === undefined
      ? ({ from: 'open', to: 'reconnecting', attempt: 1, delayMs: 10 } as const)
      : ({ from: 'open', to: 'reconnecting', attempt: 1, delayMs: 10, error } as const)

  it('lets the client retry network failures and retryable statuses', () => {
    expect(retryVerdict(retry(new SwitchlineError('network', 'reset')), undefined, where)).toBeUndefined()
    expect(retryVerdict(retry(), 429, where)).toBeUndefined()
    expect(retryVerdict(retry(), 408, where)).toBeUndefined()
    expect(retryVerdict(retry(), 502, where)).toBeUndefined()
  })

  it("stops at a 401: the CLI's credentials do not change", () => {
    expect(
      retryVerdict(retry(new SwitchlineError('unauthorized', 'HTTP 401', { status: 401 })), undefined, where),
    ).toEqual({
      code: 1,
      line: `switchline tail: unauthorized: HTTP 401 (credentials refused; check -H) (${where})`,
    })
  })

  it('stops at a WebSocket upgrade refused with a final 4xx', () => {
    expect(retryVerdict(retry(new SwitchlineError('network', 'closed 1006')), 403, where)?.line).toBe(
      `switchline tail: http_status: WebSocket upgrade answered HTTP 403 (${where})`,
    )
    expect(retryVerdict(retry(), 401, where)?.line).toMatch(/^switchline tail: unauthorized: /)
  })
})

describe('errorReporter', () => {
  it('prints an error once, never one a state change already reported, never a fatal one', () => {
    const printed: string[] = []
    const reporter = errorReporter((error) => printed.push(error.message))
    const decode = new SwitchlineError('decode', 'bad json')
    const retryCause = new SwitchlineError('network', 'reset')
    reporter.report(decode)
    reporter.report(decode)
    reporter.seen(retryCause)
    reporter.report(retryCause)
    reporter.report(new SwitchlineError('max_attempts', 'gave up', { fatal: true }))
    expect(printed).toEqual(['bad json'])
  })
})
