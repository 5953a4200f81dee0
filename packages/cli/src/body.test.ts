import { describe, expect, it } from 'vitest'
import { UsageError } from './args'
import { readPostBody, type BodySources } from './body'

const sources = (files: Record<string, string>, stdin = ''): BodySources => ({
  readFile: async (path) => {
    const text = files[path]
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
    return text
  },
  readStdin: async () => stdin,
})

describe('readPostBody', () => {
  it('reads inline JSON, @file and @- (stdin) as they are', async () => {
    const s = sources({ 'body.json': '{"a": 1}\n' }, '[1,2]')
    expect(await readPostBody('{"stream":true}', {}, s)).toBe('{"stream":true}')
    expect(await readPostBody('@body.json', {}, s)).toBe('{"a": 1}\n')
    expect(await readPostBody('@-', {}, s)).toBe('[1,2]')
  })

  it('refuses a body that is not JSON, naming where it came from', async () => {
    const s = sources({ 'b.txt': 'hello' }, 'x=1')
    await expect(readPostBody('hello', {}, s)).rejects.toThrow(/^--post: the body is not JSON/)
    await expect(readPostBody('@b.txt', {}, s)).rejects.toThrow(/^--post: b\.txt is not JSON/)
    await expect(readPostBody('@-', {}, s)).rejects.toThrow(/^--post: stdin is not JSON/)
    await expect(readPostBody('@missing.json', {}, s)).rejects.toThrow(
      new UsageError('--post: cannot read missing.json (ENOENT)'),
    )
  })

  it('sends any text as it is when -H sets a content type', async () => {
    expect(await readPostBody('x=1&y=2', { 'content-type': 'application/x-www-form-urlencoded' }, sources({}))).toBe(
      'x=1&y=2',
    )
  })
})
