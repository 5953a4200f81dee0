import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CliUsageError, parseCliArgs } from '../src/cli/args'
import { startCli } from '../src/cli/start'
import { helloWs, installCleanup, onCleanup, openRawSse, postPublish } from './helpers'

installCleanup()

function capture() {
  const lines: string[] = []
  return { lines, output: { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(`ERR ${l}`) } }
}

describe('CLI arguments', () => {
  it('has defaults and parses every flag, both --flag value and --flag=value', () => {
    expect(parseCliArgs([])).toEqual({ host: '127.0.0.1', port: 0, demo: false, faults: false, basePath: '/rt', heartbeatMs: undefined, allowedOrigins: undefined, help: false })
    expect(parseCliArgs(['--host', '0.0.0.0', '--port=8787', '--demo', '--faults', '--base-path', '/x', '--heartbeat-ms=500', '--allowed-origins', 'http://a.example, http://b.example'])).toEqual({
      host: '0.0.0.0', port: 8787, demo: true, faults: true, basePath: '/x', heartbeatMs: 500,
      allowedOrigins: ['http://a.example', 'http://b.example'], help: false,
    })
    expect(parseCliArgs(['--allowed-origins=*']).allowedOrigins).toBe('*')
    expect(parseCliArgs(['-h']).help).toBe(true)
  })

  it('rejects unknown flags and bad values with CliUsageError', () => {
    for (const argv of [['--nope'], ['--port'], ['--port', 'x'], ['--port', '70000'], ['--base-path', 'rt'], ['--heartbeat-ms', '0']]) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(CliUsageError)
    }
  })
})

describe('startCli (in-process)', () => {
  it('prints the base URL first, serves the demo channels, and stops cleanly', async () => {
    const { lines, output } = capture()
    const running = await startCli(['--port', '0', '--demo', '--heartbeat-ms', '5000'], output)
    if (!running) throw new Error('expected a server')
    onCleanup(() => running.stop())
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rt$/)
    expect(lines[0]).toBe(running.baseUrl)
    const sse = await openRawSse(`${running.baseUrl}/sse?channels=ticker,clock,chat`)
    const [ready] = await sse.waitForEvents((e) => e.event === 'sl-ready')
    expect(JSON.parse(ready?.data ?? '')).toMatchObject({ heartbeatMs: 5000, channels: ['ticker', 'clock', 'chat'] })
    await sse.waitForEvents((e) => e.event === 'message') // the ticker runs at ~10/s
    expect((await postPublish(running.baseUrl, { channel: 'chat', data: { text: 'hi' } })).status).toBe(200)
    expect(lines.some((l) => l.startsWith('publish chat ') && l.includes('{"text":"hi"}'))).toBe(true)
    expect(running.faults).toBeUndefined()
    expect((await fetch(`${running.baseUrl}/_faults/stats`)).status).toBe(404)
    await running.stop()
    expect(running.server.stats().sse.open).toBe(0)
  })

  it('--faults serves the fault routes; --base-path changes B', async () => {
    const { lines, output } = capture()
    const running = await startCli(['--faults', '--base-path', '/live'], output)
    if (!running) throw new Error('expected a server')
    onCleanup(() => running.stop())
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/live$/)
    const stats = await fetch(`${running.baseUrl}/_faults/stats`)
    expect(stats.status).toBe(200)
    expect(await stats.json()).toMatchObject({ faults: { restarts: 0 } })
    const ws = await helloWs(`${running.baseUrl.replace('http', 'ws')}/ws`)
    expect(ws.frames[0]).toMatchObject({ type: 'welcome' })
  })

  it('--help prints usage and starts nothing', async () => {
    const { lines, output } = capture()
    expect(await startCli(['--help'], output)).toBeUndefined()
    expect(lines[0]).toContain('Usage: switchline-server')
  })
})

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

describe('built CLI (dist/cli.js)', () => {
  it.skipIf(!existsSync(cliPath))('runs with node: first stdout line is the base URL; SIGTERM exits 0', async () => {
    const child = spawn(process.execPath, [cliPath, '--port', '0', '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] })
    onCleanup(() => child.kill('SIGKILL'))
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>
    const rl = createInterface({ input: child.stdout })
    const [first] = (await once(rl, 'line')) as [string]
    expect(first).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rt$/)
    const sse = await openRawSse(`${first}/sse?channels=clock,ticker`)
    await sse.waitForEvents((e) => e.event === 'message', 1, 5000)
    sse.close()
    child.kill('SIGTERM')
    const [code] = await exited
    expect(code).toBe(0)
  }, 15_000)
})
