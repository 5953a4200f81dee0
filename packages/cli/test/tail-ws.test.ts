/** `switchline tail <ws url>` against a plain `ws` server (not ours). */
import { describe, expect, it } from 'vitest'
import { runTail } from './support/run-tail'
import { openSse, plainHttpServer, plainWsServer, writeEvent } from './support/servers'

describe('switchline tail <ws url>', () => {
  it('prints each message; -H headers go on the upgrade request; --until ends it with 0', async () => {
    const { url, upgrades } = await plainWsServer((socket) => {
      socket.send('{"n":1}')
      socket.send('{"n":2}')
      socket.send('END')
    })
    const tail = runTail(['tail', url, '--until', 'END', '-H', 'Authorization: Bearer ws-secret'])
    expect(await tail.exit()).toBe(0)
    expect(tail.stdout).toEqual(['{"n":1}', '{"n":2}'])
    expect(upgrades[0]?.headers.authorization).toBe('Bearer ws-secret')
    expect(tail.stderr.some((line) => line.startsWith('websocket: open ('))).toBe(true)
    expect(tail.stderr.at(-1)).toBe('websocket: ended (--until matched)')
  })

  it('reconnects after the server drops the socket, printing the retry and its delay; --json, --format text', async () => {
    const { url, upgrades } = await plainWsServer((socket, _request, index) => {
      if (index === 0) socket.send('first', () => socket.terminate())
      else {
        socket.send('second')
        socket.send('END')
      }
    })
    const tail = runTail(['tail', url, '--format', 'text', '--json', '--until', 'END'])
    expect(await tail.exit()).toBe(0)
    expect(tail.stdout.map((line) => JSON.parse(line))).toEqual([
      { id: null, data: 'first' },
      { id: null, data: 'second' },
    ])
    expect(upgrades).toHaveLength(2)
    expect(
      tail.stderr.some((line) =>
        /^websocket: reconnecting in \d+ ms \(attempt 1\): WebSocket closed with 1006/.test(line),
      ),
    ).toBe(true)
  })

  it('an upgrade refused with 404 is fatal: exit 1 with one line naming the status', async () => {
    const { url } = await plainWsServer(() => {}, { verifyStatus: 404 })
    const tail = runTail(['tail', url])
    expect(await tail.exit()).toBe(1)
    expect(tail.stdout).toEqual([])
    expect(tail.stderr.at(-1)).toBe(`switchline tail: http_status: WebSocket upgrade answered HTTP 404 (${url})`)
  })

  it('a message over the 1 MiB default maxMessageBytes is refused (1009) without being read; smaller ones before and after arrive', async () => {
    const { url, upgrades } = await plainWsServer((socket, _request, index) => {
      if (index === 0) {
        socket.send('before')
        socket.send('x'.repeat(2 * 1024 * 1024))
      } else {
        socket.send('after')
        socket.send('END')
      }
    })
    const tail = runTail(['tail', url, '--format', 'text', '--until', 'END'])
    expect(await tail.exit()).toBe(0)
    expect(tail.stdout).toEqual(['before', 'after'])
    expect(upgrades).toHaveLength(2)
    expect(tail.stderr.some((line) => /1009/.test(line))).toBe(true)
  })

  it('--transport sse reads a ws URL as its http twin', async () => {
    const { origin, requests } = await plainHttpServer((_req, res) => {
      openSse(res)
      writeEvent(res, { data: '{"over":"sse"}' })
      writeEvent(res, { data: 'END' })
    })
    const wsUrl = `${origin.replace('http:', 'ws:')}/s`
    const tail = runTail(['tail', wsUrl, '--transport', 'sse', '--until', 'END'])
    expect(await tail.exit()).toBe(0)
    expect(tail.stdout).toEqual(['{"over":"sse"}'])
    expect(requests.map((r) => r.url)).toEqual(['/s'])
    expect(tail.stderr[0]).toBe(`sse: connecting to ${wsUrl}`)
  })
})
