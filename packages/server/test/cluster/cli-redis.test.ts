/** `switchline-server --redis <url>`: two CLI instances on one Redis are one cluster. */
import { describe, expect, it } from 'vitest'
import { redactedUrl, startCli } from '../../src/cli/start'
import { testRedis, useRedisEngine } from '../engine-under-test'
import { channelEvents, installCleanup, onCleanup, openRawSse, postPublish, waitFor } from '../helpers'

useRedisEngine()
installCleanup()

function capture() {
  const lines: string[] = []
  return { lines, output: { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(`ERR ${l}`) } }
}

describe('CLI --redis', () => {
  it('two instances started with --redis share one log: a publish on one reaches a stream on the other, same id', async () => {
    const { url } = testRedis()
    const one = capture()
    const two = capture()
    const a = await startCli(['--demo', '--redis', url], one.output)
    const b = await startCli(['--demo', '--redis', url], two.output)
    if (!a || !b) throw new Error('expected two servers')
    onCleanup(() => a.stop())
    onCleanup(() => b.stop())
    expect(one.lines[0]).toBe(a.baseUrl)
    expect(one.lines[1]).toBe(`switchline-server listening, engine redis at ${url}, waiting for Redis`)
    await a.server.ready()
    await b.server.ready()
    await waitFor(() => one.lines.some((l) => l === `redis engine ready, epoch ${a.server.epoch}`), {
      what: 'the ready line',
    })
    expect(b.server.epoch).toBe(a.server.epoch)
    const sse = await openRawSse(`${b.baseUrl}/sse?channels=chat`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    const published = await postPublish(a.baseUrl, { channel: 'chat', data: { text: 'across' } })
    await sse.waitForEvents((e) => e.event === 'message' && JSON.parse(e.data).channel === 'chat')
    expect(channelEvents(sse.events).filter((e) => e.channel === 'chat')).toEqual([
      { id: published.json.eventId, channel: 'chat', data: { text: 'across' } },
    ])
    expect((await fetch(`${b.baseUrl}/ready`)).status).toBe(200)
  })

  it('prints a Redis URL without its password', () => {
    expect(redactedUrl('redis://user:secret@127.0.0.1:6379/0')).toBe('redis://user:***@127.0.0.1:6379/0')
    expect(redactedUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
  })
})
