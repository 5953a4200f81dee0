/** `switchline tail <http url>` against a plain `node:http` SSE server (not ours). */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ids, runTail } from './support/run-tail'
import { openSse, plainHttpServer, writeEvent } from './support/servers'

describe('switchline tail <sse url>', () => {
  it('prints each event on stdout (data, [event] for named events) and the connection on stderr; --until ends it with 0', async () => {
    const { origin } = await plainHttpServer((_req, res) => {
      openSse(res)
      writeEvent(res, { id: '1', data: '{"n":1}' })
      writeEvent(res, { id: '2', event: 'order-update', data: '{"order":7}' })
      writeEvent(res, { id: '3', data: '[DONE]' }) // the stream stays open: --until ends it
    })
    const tail = runTail(['tail', `${origin}/stream`, '--until', '[DONE]'])
    expect(await tail.exit()).toBe(0)
    expect(tail.stdout).toEqual(['{"n":1}', '[order-update] {"order":7}'])
    expect(tail.stderr).toContain(`sse: connecting to ${origin}/stream`)
    expect(tail.stderr.some((line) => line.startsWith('sse: open ('))).toBe(true)
    expect(tail.stderr.at(-1)).toBe('sse: ended (done)')
  })

  it('--json prints one JSON line per event with its id and name; -H headers reach the server', async () => {
    const { origin, requests } = await plainHttpServer((_req, res) => {
      openSse(res)
      writeEvent(res, { id: 'a1', data: '{"n":1}' })
      writeEvent(res, { event: 'note', data: '"plain"' })
      writeEvent(res, { data: 'END' })
    })
    const tail = runTail([
      'tail',
      `${origin}/s`,
      '--json',
      '--until',
      'END',
      '-H',
      'Authorization: Bearer secret-1',
      '--header',
      'X-Trace: t1',
      '-H',
      'x-trace: t2',
    ])
    expect(await tail.exit()).toBe(0)
    expect(tail.stdout.map((line) => JSON.parse(line))).toEqual([
      { id: 'a1', data: { n: 1 } },
      { id: null, event: 'note', data: 'plain' },
    ])
    expect(requests[0]?.headers.authorization).toBe('Bearer secret-1')
    expect(requests[0]?.headers['x-trace']).toBe('t1, t2')
  })

  it('resumes after the server cuts the stream: Last-Event-ID, the retry and its delay on stderr, every id exactly once', async () => {
    const { origin, requests } = await plainHttpServer((req, res, index) => {
      openSse(res)
      if (index === 0) {
        for (const id of ['1', '2']) writeEvent(res, { id, data: `{"n":${id}}` })
        // A dropped connection, no goodbye, once the last event left.
        res.write('id: 3\ndata: {"n":3}\n\n', () => res.socket?.destroy())
        return
      }
      const after = Number(req.headers['last-event-id'])
      for (let id = after + 1; id <= 6; id++) writeEvent(res, { id: String(id), data: `{"n":${id}}` })
      writeEvent(res, { data: '[DONE]' })
    })
    const tail = runTail(['tail', `${origin}/s`, '--json', '--until', '[DONE]'])
    expect(await tail.exit()).toBe(0)
    expect(ids(tail.stdout)).toEqual(['1', '2', '3', '4', '5', '6'])
    expect(requests.map((r) => r.headers['last-event-id'])).toEqual([undefined, '3'])
    expect(tail.stderr.some((line) => /^sse: reconnecting in \d+ ms \(attempt 1\)/.test(line))).toBe(true)
  })

  it('--since sends Last-Event-ID on the first request', async () => {
    const { origin, requests } = await plainHttpServer((_req, res) => {
      openSse(res)
      writeEvent(res, { id: '42', data: '{}' })
      writeEvent(res, { data: 'END' })
    })
    const tail = runTail(['tail', `${origin}/s`, '--since', '41', '--until', 'END', '--json'])
    expect(await tail.exit()).toBe(0)
    expect(requests[0]?.headers['last-event-id']).toBe('41')
    expect(ids(tail.stdout)).toEqual(['42'])
  })

  it('an LLM-style stream: --post (inline, @file, @-) POSTs the JSON body, prints each chunk, exits 0 at [DONE]', async () => {
    const body = '{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}'
    const { origin, requests } = await plainHttpServer((_req, res) => {
      openSse(res)
      for (const token of ['Hel', 'lo'])
        writeEvent(res, { data: JSON.stringify({ choices: [{ delta: { content: token } }] }) })
      writeEvent(res, { data: '[DONE]' })
    })
    const file = join(mkdtempSync(join(tmpdir(), 'switchline-tail-')), 'body.json')
    writeFileSync(file, body)
    for (const [post, stdin] of [
      [body, undefined],
      [`@${file}`, undefined],
      ['@-', body],
    ] as const) {
      const tail = runTail(
        ['tail', `${origin}/v1/chat/completions`, '--post', post, '--until', '[DONE]'],
        stdin === undefined ? {} : { stdin },
      )
      expect(await tail.exit(), post).toBe(0)
      expect(tail.stdout).toEqual([
        '{"choices":[{"delta":{"content":"Hel"}}]}',
        '{"choices":[{"delta":{"content":"lo"}}]}',
      ])
    }
    expect(requests).toHaveLength(3)
    for (const request of requests) {
      expect(request.method).toBe('POST')
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.body).toBe(body)
    }
  })

  it('a POST stream that produced events is never sent again: a clean end is exit 0, a break after events exit 1', async () => {
    const { origin, requests } = await plainHttpServer((_req, res, index) => {
      openSse(res)
      writeEvent(res, { data: '{"token":"a"}' })
      if (index === 0)
        res.end() // ends cleanly, with no [DONE]
      else res.write('data: {"token":"b"}\n\n', () => res.socket?.destroy())
    })
    const ended = runTail(['tail', `${origin}/v1/chat`, '--post', '{"q":1}'])
    expect(await ended.exit()).toBe(0)
    expect(ended.stdout).toEqual(['{"token":"a"}'])
    const broke = runTail(['tail', `${origin}/v1/chat`, '--post', '{"q":2}'])
    expect(await broke.exit()).toBe(1)
    expect(broke.stdout).toEqual(['{"token":"a"}', '{"token":"b"}'])
    expect(broke.stderr.at(-1)).toMatch(/the POST stream had already produced events, so the request is not sent again/)
    expect(requests.map((r) => r.body)).toEqual(['{"q":1}', '{"q":2}'])
  })

  it('data that is not JSON is reported on stderr and the stream goes on; --format text prints it', async () => {
    const { origin } = await plainHttpServer((_req, res) => {
      openSse(res)
      writeEvent(res, { data: 'hello world' })
      writeEvent(res, { data: '{"n":2}' })
      writeEvent(res, { data: 'END' })
    })
    const json = runTail(['tail', `${origin}/s`, '--until', 'END'])
    expect(await json.exit()).toBe(0)
    expect(json.stdout).toEqual(['{"n":2}'])
    expect(json.stderr).toContain('sse: decode: not JSON: "hello world" (skipped; --format text prints it)')
    const text = runTail(['tail', `${origin}/s`, '--until', 'END', '--format', 'text'])
    expect(await text.exit()).toBe(0)
    expect(text.stdout).toEqual(['hello world', '{"n":2}'])
  })

  it.each([
    [404, 'http_status: HTTP 404'],
    [403, 'http_status: HTTP 403'],
    [401, 'unauthorized: HTTP 401'],
  ])('an answer %i is fatal: exit 1 with one line on stderr, no retry', async (status, message) => {
    const { origin, requests } = await plainHttpServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end('no')
    })
    const tail = runTail(['tail', `${origin}/s`])
    expect(await tail.exit()).toBe(1)
    expect(tail.stdout).toEqual([])
    expect(tail.stderr.at(-1)).toMatch(new RegExp(`^switchline tail: ${message}.*\\(${origin}/s\\)$`))
    expect(requests).toHaveLength(1)
  })

  it('--max-retries gives up after that many reconnects in a row: exit 1', async () => {
    const { origin, requests } = await plainHttpServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('busy')
    })
    const tail = runTail(['tail', `${origin}/s`, '--max-retries', '1'])
    expect(await tail.exit()).toBe(1)
    expect(requests).toHaveLength(2)
    expect(tail.stderr.at(-1)).toMatch(/^switchline tail: max_attempts: gave up after 2 attempts: HTTP 503/)
  })
})
