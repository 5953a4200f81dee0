/**
 * Raw SSE over the browser's own fetch, against a plain third-party endpoint (global-setup.ts, `/_test/raw-sse`):
 * a stream starting with two byte-order marks drops its first line (the spec strips exactly one BOM; the fetch
 * transport's TextDecoder must not strip another), and a non-ASCII event id is resumed with its UTF-8 bytes as
 * `Last-Event-ID`, as the browser's `EventSource` sends it (issue 13 item 6, issue 9 item 7).
 */
import { expect, it } from 'vitest'
import { type SwitchlineError, subscribe } from '../../src/index'
import { baseUrl, until } from './support'

const endpoint = (query: string): string => `${new URL(baseUrl()).origin}/_test/raw-sse?${query}`

it('a stream starting with two BOMs drops its first line: only the second event is delivered', async () => {
  const seen: string[] = []
  const sub = subscribe<string>(endpoint('case=bom'), { onEvent: (data) => seen.push(data), reconnect: false })
  await until(() => sub.state === 'closed')
  expect(seen).toEqual(['second'])
})

it('a non-ASCII id travels back as its UTF-8 bytes in Last-Event-ID; no error but the retried ends, no loop', async () => {
  const seen: string[] = []
  const errors: SwitchlineError[] = []
  const sub = subscribe<string>(endpoint('case=id'), {
    sse: 'fetch', // the cursor as a header even cross-origin (the endpoint answers the preflight)
    onEvent: (data) => seen.push(data),
    onError: (error) => errors.push(error),
    reconnect: { backoff: () => 0 },
  })
  await until(() => seen.length >= 2)
  sub.close()
  expect(seen.slice(0, 2)).toEqual(['one', 'two'])
  // onError sees each retried end of the endpoint's short streams, and nothing else (no request-building error).
  for (const error of errors)
    expect(error).toMatchObject({ code: 'network', fatal: false, message: 'SSE stream ended' })
  const cursors = (await (await fetch(endpoint('seen'))).json()) as Array<string | null>
  const resumed = cursors.filter((cursor) => cursor !== null)
  expect(resumed.length).toBeGreaterThanOrEqual(1)
  expect(new Set(resumed)).toEqual(new Set(['…日本']))
})
