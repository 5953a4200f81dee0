import { describe, expect, it } from 'vitest'
import { type CliProcess, runCli } from './main'

/** An in-process `switchline` whose stdin is read through `readStdin`; nothing listens at 127.0.0.1:1. */
function fakeProcess(readStdin: () => Promise<string>): { proc: CliProcess; stop: AbortController; err: string[] } {
  const stop = new AbortController()
  const err: string[] = []
  const proc: CliProcess = {
    out: (line) => {
      throw new Error(`unexpected output: ${line}`)
    },
    err: (line) => void err.push(line),
    readFile: () => Promise.reject(new Error('no files here')),
    readStdin,
    stop: stop.signal,
  }
  return { proc, stop, err }
}

const POST_STDIN = ['tail', 'http://127.0.0.1:1/stream', '--post', '@-']

describe('runCli with --post @- (stdin)', () => {
  it('SIGINT while stdin is still open ends with 130 at once, without starting the tail', async () => {
    let reads = 0
    const { proc, stop, err } = fakeProcess(() => {
      reads += 1
      return new Promise<string>(() => {}) // a terminal nobody types into
    })
    const code = runCli(POST_STDIN, proc)
    await Promise.resolve()
    expect(reads).toBe(1)
    stop.abort('SIGINT')
    expect(await code).toBe(130)
    expect(err).toEqual(['SIGINT: closing'])
  })

  it('SIGTERM gives 143; a stdin that fails after the stop is no unhandled rejection', async () => {
    let fail: (error: Error) => void = () => {}
    const { proc, stop, err } = fakeProcess(() => new Promise<string>((_, reject) => (fail = reject)))
    const code = runCli(POST_STDIN, proc)
    await Promise.resolve()
    stop.abort('SIGTERM')
    expect(await code).toBe(143)
    fail(new Error('stdin destroyed'))
    expect(err).toEqual(['SIGTERM: closing'])
  })

  it('a stop that came while the body was read wins over the body: no tail is started', async () => {
    const { proc, stop, err } = fakeProcess(async () => {
      stop.abort('SIGINT')
      return '{"late":true}'
    })
    expect(await runCli(POST_STDIN, proc)).toBe(130)
    expect(err).toEqual(['SIGINT: closing'])
  })

  it('stdout gone (another stop reason) before the body ends with 0 and says nothing', async () => {
    const { proc, stop, err } = fakeProcess(() => new Promise<string>(() => {}))
    const code = runCli(POST_STDIN, proc)
    stop.abort('EPIPE')
    expect(await code).toBe(0)
    expect(err).toEqual([])
  })

  it('a body that is not JSON is still a usage error (2) when no stop came', async () => {
    const { proc, err } = fakeProcess(async () => 'x=1')
    expect(await runCli(POST_STDIN, proc)).toBe(2)
    expect(err[0]).toMatch(/^switchline: --post: stdin is not JSON/)
  })
})
