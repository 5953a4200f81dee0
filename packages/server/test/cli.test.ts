import { connect } from 'node:http2'
import { describe, expect, it } from 'vitest'
import { CliUsageError, parseCliArgs } from '../src/cli/args'
import { runCli, type CliProcess } from '../src/cli/main'
import { faultsWarning, startCli } from '../src/cli/start'
import { SERVER_INTERNALS } from '../src/internals'
import { helloWs, installCleanup, onCleanup, openRawSse, postPublish } from './helpers'
import { testCertificate } from './tls-cert'

installCleanup()

function capture() {
  const lines: string[] = []
  return { lines, output: { out: (l: string) => void lines.push(l), err: (l: string) => void lines.push(`ERR ${l}`) } }
}

describe('CLI arguments', () => {
  it('has defaults and parses every flag, both --flag value and --flag=value', () => {
    expect(parseCliArgs([])).toEqual({
      host: '127.0.0.1',
      port: 0,
      demo: false,
      faults: false,
      basePath: '/rt',
      heartbeatMs: undefined,
      maxConnectionsPerSecond: undefined,
      allowedOrigins: undefined,
      tlsCert: undefined,
      tlsKey: undefined,
      redis: undefined,
      help: false,
    })
    expect(
      parseCliArgs([
        '--host',
        '0.0.0.0',
        '--port=8787',
        '--demo',
        '--faults',
        '--base-path',
        '/x',
        '--heartbeat-ms=500',
        '--max-connections-per-second',
        '200',
        '--allowed-origins',
        'http://a.example, http://b.example',
      ]),
    ).toEqual({
      host: '0.0.0.0',
      port: 8787,
      demo: true,
      faults: true,
      basePath: '/x',
      heartbeatMs: 500,
      maxConnectionsPerSecond: 200,
      allowedOrigins: ['http://a.example', 'http://b.example'],
      tlsCert: undefined,
      tlsKey: undefined,
      redis: undefined,
      help: false,
    })
    expect(parseCliArgs(['--tls-cert', 'c.pem', '--tls-key=k.pem'])).toMatchObject({
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
    })
    expect(parseCliArgs(['--redis', 'redis://127.0.0.1:6379/0']).redis).toBe('redis://127.0.0.1:6379/0')
    expect(parseCliArgs(['--redis=rediss://h.example:6380']).redis).toBe('rediss://h.example:6380')
    expect(parseCliArgs(['--max-connections-per-second=1']).maxConnectionsPerSecond).toBe(1)
    expect(parseCliArgs(['--allowed-origins=*']).allowedOrigins).toBe('*')
    expect(parseCliArgs(['-h']).help).toBe(true)
  })

  it('rejects unknown flags and bad values with CliUsageError', () => {
    for (const argv of [
      ['--nope'],
      ['--port'],
      ['--port', 'x'],
      ['--port', '70000'],
      ['--base-path', 'rt'],
      ['--heartbeat-ms', '0'],
      ['--tls-cert'],
      ['--tls-cert', 'c.pem'],
      ['--tls-key', 'k.pem'],
      ['--redis'],
      ['--redis', 'http://x'],
      ['--redis='],
    ]) {
      expect(() => parseCliArgs(argv), argv.join(' ')).toThrow(CliUsageError)
    }
  })

  it('--max-connections-per-second takes an integer from 1 to 1000000, with a message naming the flag', () => {
    const flag = '--max-connections-per-second'
    for (const bad of [[flag], [flag, 'x'], [flag, '1.5'], [flag, '-1'], [`${flag}=`]]) {
      expect(() => parseCliArgs(bad), bad.join(' ')).toThrow(`${flag} needs an integer`)
    }
    for (const bad of [
      [flag, '0'],
      [flag, '1000001'],
    ]) {
      expect(() => parseCliArgs(bad), bad.join(' ')).toThrow(`${flag} must be between 1 and 1000000`)
    }
    expect(parseCliArgs([flag, '1000000']).maxConnectionsPerSecond).toBe(1_000_000)
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
    expect(lines[1]).toBe(faultsWarning(running.baseUrl, '*'))
    expect(lines[1]).toMatch(
      /^WARNING: fault injection routes are enabled .*Allowed origins: every origin \(\*\), with credentials/,
    )
    const stats = await fetch(`${running.baseUrl}/_faults/stats`)
    expect(stats.status).toBe(200)
    expect(await stats.json()).toMatchObject({ faults: { restarts: 0 } })
    const ws = await helloWs(`${running.baseUrl.replace('http', 'ws')}/ws`)
    expect(ws.frames[0]).toMatchObject({ type: 'welcome' })
  })

  it('--faults with --allowed-origins: the warning names the allowed origins; without --faults no warning', async () => {
    const { lines, output } = capture()
    const running = await startCli(['--faults', '--allowed-origins', 'http://localhost:5173'], output)
    if (!running) throw new Error('expected a server')
    onCleanup(() => running.stop())
    expect(lines[1]).toMatch(/^WARNING: .*Allowed origins: same-host, http:\/\/localhost:5173\./)
    const plain = capture()
    const quiet = await startCli([], plain.output)
    onCleanup(() => quiet?.stop())
    expect(plain.lines.some((l) => l.includes('WARNING'))).toBe(false)
  })

  it('--max-connections-per-second sets the server admission limit; without it the server is unlimited', async () => {
    const { output } = capture()
    const running = await startCli(['--max-connections-per-second', '25'], output)
    if (!running) throw new Error('expected a server')
    onCleanup(() => running.stop())
    expect(running.server[SERVER_INTERNALS].options.maxConnectionsPerSecond).toBe(25)
    const plain = await startCli([], capture().output)
    onCleanup(() => plain?.stop())
    expect(plain?.server[SERVER_INTERNALS].options.maxConnectionsPerSecond).toBeUndefined()
  })

  it('--help prints usage and starts nothing', async () => {
    const { lines, output } = capture()
    expect(await startCli(['--help'], output)).toBeUndefined()
    expect(lines[0]).toContain('Usage: switchline-server')
    expect(lines[0]).toMatch(
      /^ {2}--max-connections-per-second <n>\n {25}admit at most n new SSE streams \+ WebSocket upgrades per second/m,
    )
  })
})

function fakeProcess() {
  const { lines, output } = capture()
  const signals = new Map<string, () => void>()
  let exited!: (code: number) => void
  const exit = new Promise<number>((resolve) => (exited = resolve))
  const proc: CliProcess = {
    output,
    onSignal: (signal, handler) => void signals.set(signal, handler),
    exit: (code) => exited(code),
  }
  return { lines, signals, exit, proc }
}

describe('the bin program (runCli, in-process)', () => {
  it('first output line is the base URL; SIGTERM closes everything and exits 0', async () => {
    const { lines, signals, exit, proc } = fakeProcess()
    const running = await runCli(['--port', '0', '--demo'], proc)
    if (!running) throw new Error('expected a server')
    onCleanup(() => running.stop())
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/rt$/)
    expect([...signals.keys()].sort()).toEqual(['SIGINT', 'SIGTERM'])
    const sse = await openRawSse(`${lines[0]}/sse?channels=clock,chat`)
    await sse.waitForEvents((e) => e.event === 'sl-ready')
    signals.get('SIGTERM')?.()
    expect(await exit).toBe(0)
    expect(lines).toContain('ERR SIGTERM: shutting down')
    expect(await sse.ended).toBe('end')
    expect(running.server.stats().sse.open).toBe(0)
  })

  it('bad arguments print the usage and exit 2; --help exits nothing and starts nothing', async () => {
    const bad = fakeProcess()
    expect(await runCli(['--port', 'x'], bad.proc)).toBeUndefined()
    expect(await bad.exit).toBe(2)
    expect(bad.lines[0]).toMatch(/^ERR --port needs an integer/)
    expect(bad.lines[0]).toContain('Usage: switchline-server')
    const limit = fakeProcess()
    expect(await runCli(['--max-connections-per-second', '0'], limit.proc)).toBeUndefined()
    expect(await limit.exit).toBe(2)
    expect(limit.lines[0]).toMatch(
      /^ERR --max-connections-per-second must be between 1 and 1000000\n\nUsage: switchline-server/,
    )
    const help = fakeProcess()
    expect(await runCli(['--help'], help.proc)).toBeUndefined()
    expect(help.lines[0]).toContain('Usage: switchline-server')
    expect(help.signals.size).toBe(0)
  })
})

describe('--tls-cert / --tls-key', () => {
  it('serve HTTPS: the base URL is https, SSE rides HTTP/2, the WebSocket line says wss', async () => {
    const { files, ca } = testCertificate()
    const { lines, output } = capture()
    const running = await startCli(['--tls-cert', files.cert, '--tls-key', files.key, '--demo'], output)
    if (!running) throw new Error('expected a server')
    onCleanup(() => running.stop())
    expect(lines[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/rt$/)
    expect(lines).toContain(`  WebSocket  GET  ${lines[0]?.replace(/^https/, 'wss')}/ws (subprotocol switchline.v1)`)
    expect(lines.some((l) => l.includes('HTTP/2 with HTTP/1.1 fallback'))).toBe(true)
    const session = connect(new URL(lines[0] as string).origin, { ca })
    onCleanup(() => session.destroy())
    const status = await new Promise((resolve) => {
      const stream = session.request({ ':path': '/rt/sse?channels=clock' })
      stream.once('response', (h) => {
        resolve(h[':status'])
        stream.close()
      })
    })
    expect(status).toBe(200)
  })

  it('a file that cannot be read is a usage error naming the flag and the file (exit 2)', async () => {
    const { files } = testCertificate()
    const proc = fakeProcess()
    expect(await runCli(['--tls-cert', '/nonexistent/cert.pem', '--tls-key', files.key], proc.proc)).toBeUndefined()
    expect(await proc.exit).toBe(2)
    expect(proc.lines[0]).toMatch(/^ERR --tls-cert: cannot read \/nonexistent\/cert\.pem \(ENOENT\)/)
  })
})
