/**
 * Server markup (react-dom/server) hydrated in the browser: the hooks render the same snapshot on both sides, so
 * hydration reports no mismatch; then the page goes live with one connection (StrictMode included).
 */
import { StrictMode, type ReactNode } from 'react'
import { hydrateRoot, type Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { page } from 'vitest/browser'
import { createClient, type Client } from '@switchline/client'
import { SwitchlineProvider, useChannel, useClient, useStream } from '../../src/index'
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

type Schema = { feed: { receive: { n: number } } }

let rt: Client<Schema>
let root: Root | undefined
let container: HTMLElement | undefined

beforeEach(async () => {
  await untilNoConnections()
  rt = createClient<Schema>({ url: baseUrl() })
})
afterEach(() => {
  root?.unmount()
  container?.remove()
  rt.close()
  restoreNatives()
  vi.restoreAllMocks()
})

function Feed({ channelKey }: { channelKey: string }) {
  const feed = useChannel(useClient<Schema>(), 'feed', {
    key: channelKey,
    initial: [] as number[],
    reduce: (list, e) => [...list, e.n],
  })
  return (
    <p data-testid="feed" data-state={feed.state} data-last={feed.lastEventId ?? ''}>
      {feed.data.length === 0 ? 'no events yet' : feed.data.join(',')}
    </p>
  )
}

function Raw({ url }: { url: string }) {
  const raw = useStream<{ data: { n: number } }>(url, { events: ['message'] })
  return (
    <p data-testid="raw" data-state={raw.state}>
      {raw.data ? `raw ${raw.data.data.n}` : 'raw none'}
    </p>
  )
}

/** Renders `app` to a string (as a server would), puts it in the page and hydrates it; returns hydration errors. */
function hydrate(
  app: ReactNode,
  transform: (html: string) => string = (html) => html,
): { html: string; errors: unknown[] } {
  const html = renderToString(app)
  const errors: unknown[] = []
  container = document.createElement('div')
  container.innerHTML = transform(html)
  document.body.append(container)
  root = hydrateRoot(container, app, { onRecoverableError: (error) => void errors.push(error) })
  return { html, errors }
}

it('hydrates without a mismatch, then goes live with one connection per transport', async () => {
  const key = uniqueKey('hydrate')
  const consoleError = vi.spyOn(console, 'error')
  const started = countConnections()
  const before = await stats()
  const app = (
    <StrictMode>
      <SwitchlineProvider client={rt}>
        <Feed channelKey={key} />
        <Raw url={`${baseUrl()}/sse?channels=feed:${key}`} />
      </SwitchlineProvider>
    </StrictMode>
  )
  const { html, errors } = hydrate(app)
  expect(html).toContain('data-state="connecting"')
  expect(html).toContain('no events yet')
  expect(html).toContain('raw none')
  expect(started.sse()).toBe(0) // the server render connected nothing

  const feed = page.getByTestId('feed')
  await expect.element(feed).toHaveAttribute('data-state', 'open')
  await expect.element(page.getByTestId('raw')).toHaveAttribute('data-state', 'open')
  const id = await publish(`feed:${key}`, { n: 7 })
  await expect.element(feed).toHaveTextContent('7')
  await expect.element(feed).toHaveAttribute('data-last', id)
  await expect.element(page.getByTestId('raw')).toHaveTextContent('raw 7')

  expect(errors).toEqual([])
  expect(consoleError).not.toHaveBeenCalled()
  expect(started.sse()).toBe(2) // the client's stream and the raw one
  const s = await stats()
  expect(s.sse.accepted - before.sse.accepted).toBe(2)
  expect(s.channels[`feed:${key}`]).toBe(2)
})

it('the check above can fail: markup that differs from the first client render is reported', async () => {
  const key = uniqueKey('mismatch')
  vi.spyOn(console, 'error').mockImplementation(() => {})
  const app = (
    <SwitchlineProvider client={rt}>
      <Feed channelKey={key} />
    </SwitchlineProvider>
  )
  const { errors } = hydrate(app, (html) => html.replace('no events yet', 'stale text'))
  await until(() => errors.length > 0)
  await expect.element(page.getByTestId('feed')).toHaveAttribute('data-state', 'open') // React re-rendered on the client
})
