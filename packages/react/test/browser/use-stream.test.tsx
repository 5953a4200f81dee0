/**
 * `useStream` (raw `subscribe(url)`) in React 19 against the real server's SSE endpoint read as a plain SSE
 * stream: StrictMode's double mount opens one connection, an unmount closes it, a new URL reopens.
 */
import { StrictMode, useEffect } from 'react'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { render } from 'vitest-browser-react'
import { useStream } from '../../src/index'
import {
  baseUrl,
  countConnections,
  publish,
  restoreNatives,
  stats,
  uniqueKey,
  until,
  untilNoConnections,
} from './support'

/** A channel event as the Switchline SSE endpoint writes it (docs/protocol.md §5). */
type Envelope = { channel: string; data: { n: number } }

let effectRuns = 0

beforeEach(async () => {
  await untilNoConnections()
  effectRuns = 0
})
afterEach(() => restoreNatives())

function Stream({ url }: { url: string | null }) {
  const stream = useStream<Envelope, number[]>(url, {
    events: ['message'],
    initial: [],
    reduce: (list, event) => [...list, event.data.n],
  })
  useEffect(() => {
    effectRuns += 1
  }, [])
  return (
    <div
      data-testid="stream"
      data-state={stream.state}
      data-transport={stream.transport ?? ''}
      data-last={stream.lastEventId ?? ''}
    >
      {stream.data.join(',') || 'none'}
    </div>
  )
}

const streamUrl = (key: string): string => `${baseUrl()}/sse?channels=feed:${key}`

it('StrictMode: a double mount opens one SSE connection; unmount closes it', async () => {
  const key = uniqueKey('raw')
  const started = countConnections()
  const before = await stats()
  const screen = await render(
    <StrictMode>
      <Stream url={streamUrl(key)} />
    </StrictMode>,
  )
  const stream = screen.getByTestId('stream')
  await expect.element(stream).toHaveAttribute('data-state', 'open')
  expect(effectRuns).toBe(2)
  expect(started.sse()).toBe(1)
  await publish(`feed:${key}`, { n: 1 })
  const id = await publish(`feed:${key}`, { n: 2 })
  await expect.element(stream).toHaveTextContent('1,2')
  await expect.element(stream).toHaveAttribute('data-last', id)
  await expect.element(stream).toHaveAttribute('data-transport', 'sse')
  const during = await stats()
  expect(during.sse.accepted - before.sse.accepted).toBe(1)
  expect(during.sse.open).toBe(1)

  await screen.unmount()
  await until(async () => (await stats()).sse.open === 0)
  expect((await stats()).sse.accepted).toBe(during.sse.accepted)
})

it('a new URL reopens (the data starts over); null closes and opens nothing', async () => {
  const a = uniqueKey('raw-a')
  const b = uniqueKey('raw-b')
  const screen = await render(<Stream url={streamUrl(a)} />)
  const stream = screen.getByTestId('stream')
  await expect.element(stream).toHaveAttribute('data-state', 'open')
  await publish(`feed:${a}`, { n: 1 })
  await expect.element(stream).toHaveTextContent('1')

  const before = await stats()
  await screen.rerender(<Stream url={streamUrl(b)} />)
  await expect.element(stream).toHaveTextContent('none')
  await until(async () => {
    const s = await stats()
    return s.channels[`feed:${b}`] === 1 && s.channels[`feed:${a}`] === undefined
  })
  await publish(`feed:${b}`, { n: 5 })
  await expect.element(stream).toHaveTextContent('5')
  const s = await stats()
  expect(s.sse.open).toBe(1)
  expect(s.sse.accepted - before.sse.accepted).toBe(1)

  await screen.rerender(<Stream url={null} />)
  await expect.element(stream).toHaveAttribute('data-state', 'closed')
  await expect.element(stream).toHaveTextContent('none')
  await until(async () => (await stats()).sse.open === 0)
  expect((await stats()).sse.accepted).toBe(s.sse.accepted)
})
