/** `switchline tail <base> --channel …` against the reference server `@switchline/server` (default options). */
import { describe, expect, it } from 'vitest'
import { ids, runTail, waitFor, type Tail } from './support/run-tail'
import { UnauthorizedError } from '@switchline/server'
import { referenceServer, type Reference } from './support/servers'

type Line = { id: string; channel: string; event?: string; data: unknown }
const parse = (lines: string[]): Line[] => lines.map((line) => JSON.parse(line) as Line)

/** Waits until the tail says `channel` is open: the server has subscribed it. */
async function subscribed(tail: Tail, channel: string): Promise<void> {
  await tail.untilStderr((lines) => lines.some((line) => line.startsWith(`${channel}: open`)), `${channel} open`)
}

/** Publishes `count` events `{ n }` to `channel`, returning their ids. */
function publishMany(ref: Reference, channel: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => ref.server.publish(channel, { n: from + i }))
}

describe('switchline tail <base> --channel', () => {
  it("prints every channel's events with its channel (over SSE by default); SIGINT closes the stream: 130, nothing left open", async () => {
    const ref = await referenceServer()
    const tail = runTail(['tail', ref.baseUrl, '--channel', 'ticker,clock'])
    await subscribed(tail, 'ticker')
    await subscribed(tail, 'clock')
    ref.server.publish('ticker', { price: 1 })
    ref.server.publish('clock', { t: 2 }, { event: 'tick' })
    await tail.untilStdout((lines) => lines.length === 2, 'two events')
    expect(tail.stdout).toEqual(['[ticker] {"price":1}', '[clock tick] {"t":2}'])
    expect(tail.stderr).toContain('sse connection: open')
    expect(tail.stderr).toContain('ticker: open (sse: receive-only → SSE)')
    expect(ref.server.stats().sse.open).toBe(1)

    tail.child.kill('SIGINT')
    expect(await tail.exit()).toBe(130)
    expect(tail.stderr.at(-1)).toBe('SIGINT: closing')
    expect(tail.stderr.some((line) => line.includes('still open'))).toBe(false)
    await waitFor(() => ref.server.stats().sse.open === 0, 'the server to see the stream closed')
  })

  it('SIGTERM exits 143; --transport ws rides the WebSocket, which the server sees closed', async () => {
    const ref = await referenceServer()
    const tail = runTail(['tail', ref.baseUrl, '--channel', 'chat:room-a', '--transport', 'ws', '--json'])
    await subscribed(tail, 'chat:room-a')
    expect(tail.stderr).toContain('websocket connection: open')
    const id = ref.server.publish('chat:room-a', { text: 'hi' })
    await tail.untilStdout((lines) => lines.length === 1, 'the chat event')
    expect(parse(tail.stdout)).toEqual([{ id, channel: 'chat:room-a', data: { text: 'hi' } }])
    tail.child.kill('SIGTERM')
    expect(await tail.exit()).toBe(143)
    expect(tail.stderr.some((line) => line.includes('still open'))).toBe(false)
    await waitFor(() => ref.server.stats().ws.open === 0, 'the server to see the WebSocket closed')
  })

  it.each(['sse', 'ws'])(
    'resumes after a dropped connection (%s): Last-Event-ID / cursor, every id exactly once, in order',
    async (transport) => {
      const ref = await referenceServer()
      const tail = runTail([
        'tail',
        ref.baseUrl,
        '--channel',
        'ticker',
        '--transport',
        transport,
        '--json',
        '--until',
        '"end"',
      ])
      await subscribed(tail, 'ticker')
      const published = publishMany(ref, 'ticker', 1, 5)
      await tail.untilStdout((lines) => lines.length === 5, 'five events before the drop')
      ref.faults.dropAll() // the server cuts every connection, no goodbye
      published.push(...publishMany(ref, 'ticker', 6, 5)) // while the tail is away
      await tail.untilStderr(
        (lines) => lines.some((line) => / connection: reconnecting in \d+ ms \(attempt 1\)/.test(line)),
        'the retry',
      )
      await tail.untilStderr(
        (lines) => lines.filter((line) => line.endsWith(' connection: open')).length === 2,
        'the second open',
      )
      published.push(...publishMany(ref, 'ticker', 11, 5))
      ref.server.publish('ticker', 'end')
      expect(await tail.exit()).toBe(0)
      expect(ids(tail.stdout)).toEqual(published)
      expect(parse(tail.stdout).map((line) => line.data)).toEqual(Array.from({ length: 15 }, (_, i) => ({ n: i + 1 })))
      expect(tail.stderr.at(-1)).toBe('ticker: ended (--until matched)')
    },
  )

  it('--since replays what followed the cursor; a cursor of another epoch is reported as a gap', async () => {
    const ref = await referenceServer()
    const [first, ...rest] = publishMany(ref, 'ticker', 1, 3)
    ref.server.publish('ticker', 'end')
    const tail = runTail(['tail', ref.baseUrl, '-c', 'ticker', '--since', first as string, '--json', '--until', 'end'])
    expect(await tail.exit()).toBe(0)
    expect(ids(tail.stdout)).toEqual(rest)

    const gap = runTail(['tail', ref.baseUrl, '-c', 'ticker', '--since', 'zz-1', '--json', '--until', 'end'])
    expect(await gap.exit()).toBe(0)
    expect(ids(gap.stdout)).toEqual([first, ...rest])
    expect(gap.stderr).toContain(`ticker: gap after zz-1, resuming at ${first} (epoch)`)
  })

  it('an unknown channel is fatal: exit 1 with one line naming it', async () => {
    const ref = await referenceServer()
    const tail = runTail(['tail', ref.baseUrl, '--channel', 'ticker,nope'])
    expect(await tail.exit()).toBe(1)
    expect(tail.stderr.at(-1)).toBe(
      `switchline tail: protocol: unknown_channel: unknown channel: "nope" (${ref.baseUrl}, channel nope)`,
    )
    await waitFor(() => ref.server.stats().sse.open === 0, 'the server to see the stream closed')
  })

  it('a refused token is fatal: exit 1; the -H bearer token reaches the server on SSE and in the WebSocket hello', async () => {
    const tokens: (string | undefined)[] = []
    const ref = await referenceServer({
      authorize: ({ token }) => {
        tokens.push(token)
        if (token !== 'good') throw new UnauthorizedError()
        return true
      },
    })
    const refused = runTail(['tail', ref.baseUrl, '--channel', 'ticker', '-H', 'Authorization: Bearer bad'])
    expect(await refused.exit()).toBe(1)
    expect(refused.stderr.at(-1)).toMatch(
      /^switchline tail: unauthorized: HTTP 401 unauthorized: .* \(credentials refused; check -H\)/,
    )

    const sse = runTail([
      'tail',
      ref.baseUrl,
      '--channel',
      'ticker',
      '-H',
      'Authorization: Bearer good',
      '--until',
      'end',
    ])
    const ws = runTail([
      'tail',
      ref.baseUrl,
      '--channel',
      'ticker',
      '--transport',
      'ws',
      '-H',
      'Authorization: Bearer good',
      '--until',
      'end',
    ])
    await subscribed(sse, 'ticker')
    await subscribed(ws, 'ticker')
    ref.server.publish('ticker', 'end')
    expect([await sse.exit(), await ws.exit()]).toEqual([0, 0])
    expect(tokens).toContain('bad')
    expect(tokens.filter((token) => token === 'good').length).toBeGreaterThanOrEqual(2)
  })
})
