/** The bin's command line: help, version, and bad arguments (exit 2 with the usage, before connecting anywhere). */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runTail } from './support/run-tail'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

describe('switchline (command line)', () => {
  it('--help prints the usage on stdout and exits 0; --version prints the version', async () => {
    const help = runTail(['tail', '--help'])
    expect(await help.exit()).toBe(0)
    expect(help.stdout[0]).toBe('Usage: switchline tail <url> [options]')
    expect(help.stdout.join('\n')).toContain('--until <data>')
    const shown = runTail(['--version'])
    expect(await shown.exit()).toBe(0)
    expect(shown.stdout).toEqual([version])
  })

  it.each([
    [[], 'missing command: switchline tail <url>'],
    [['follow', 'http://127.0.0.1:1/'], "unknown command 'follow' (the command is tail)"],
    [['tail'], 'missing <url>'],
    [['tail', 'not a url'], "'not a url' is not a URL (e.g. http://127.0.0.1:8787/stream or ws://127.0.0.1:8787/feed)"],
    [['tail', 'ftp://127.0.0.1/x'], 'unsupported URL scheme ftp: (http, https, ws, wss)'],
    [['tail', 'http://127.0.0.1:1/', '--nope'], "Unknown option '--nope'"],
    [['tail', 'http://127.0.0.1:1/', '--format', 'xml'], "--format must be json or text, not 'xml'"],
    [
      ['tail', 'http://127.0.0.1:1/', '--max-retries', '1.5'],
      "--max-retries needs a whole number from 0 to 1000000, not '1.5'",
    ],
    [['tail', 'http://127.0.0.1:1/', '-H', 'NoColon'], "-H 'NoColon': expected 'Name: value'"],
    [
      ['tail', 'http://127.0.0.1:1/', '-H', 'X-Mark: \u2713'],
      "-H 'X-Mark: \u2713': the value has a character past U+00FF (U+2713)",
    ],
    [['tail', 'http://127.0.0.1:1/', '--post', '{nope'], '--post: the body is not JSON'],
    [
      ['tail', 'http://127.0.0.1:1/', '--post', '@/nonexistent/body.json'],
      '--post: cannot read /nonexistent/body.json (ENOENT)',
    ],
    [
      ['tail', 'http://127.0.0.1:1/rt', '--channel', 'bad name'],
      "--channel: 'bad name' is not a channel identifier (name or name:key)",
    ],
  ])('switchline %j exits 2 with the problem and the usage on stderr', async (argv, problem) => {
    const tail = runTail(argv)
    expect(await tail.exit()).toBe(2)
    expect(tail.stdout).toEqual([])
    expect(tail.stderr[0]).toContain(`switchline: ${problem}`)
    expect(tail.stderr).toContain('Usage: switchline tail <url> [options]')
  })
})
