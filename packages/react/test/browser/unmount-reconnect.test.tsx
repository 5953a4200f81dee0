/**
 * Unmounting while the client waits to reconnect (faults from `@switchline/server/testing`): the wait is
 * cancelled — no timer left, no connection made, no callback or render after the unmount — on the SSE channel
 * and the WebSocket channel of one client alike.
 */
import { StrictMode } from 'react'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { render } from 'vitest-browser-react'
import { createClient, type Client, type ReconnectOptions, type StateChange } from '@switchline/client'
import { useChannel } from '../../src/index'
import {
  baseUrl,
  countConnections,
  countingTimers,
  fault,
  restoreNatives,
  stats,
  uniqueKey,
  until,
  untilNoConnections,
} from './support'

type Schema = {
  feed: { receive: { n: number } }
  chat: { receive: { text: string }; send: { text: string } }
}

let renders = 0
let changes: StateChange[] = []
let rt: Client<Schema> | undefined

beforeEach(async () => {
  await fault('reset')
  await untilNoConnections()
  renders = 0
  changes = []
})
afterEach(async () => {
  rt?.close()
  restoreNatives()
  await fault('reset')
})

function Channels({ client, room }: { client: Client<Schema>; room: string }) {
  renders += 1
  const onState = (change: StateChange) => void changes.push(change)
  const feed = useChannel(client, 'feed', { key: room, onState })
  const chat = useChannel(client, 'chat', { key: room, onState })
  return (
    <>
      <p data-testid="feed">{feed.state}</p>
      <p data-testid="chat">{chat.state}</p>
      <p data-testid="error">{feed.error?.code ?? ''}</p>
    </>
  )
}

/** Renders both channels in StrictMode and waits until both are open. */
async function mountOpen(reconnect: ReconnectOptions) {
  const timers = countingTimers()
  const client = createClient<Schema>({ url: baseUrl(), sendChannels: ['chat'], reconnect, platform: { timers } })
  rt = client
  const room = uniqueKey('reconnect')
  const screen = await render(
    <StrictMode>
      <Channels client={client} room={room} />
    </StrictMode>,
  )
  await expect.element(screen.getByTestId('feed')).toHaveTextContent('open')
  await expect.element(screen.getByTestId('chat')).toHaveTextContent('open')
  return { screen, timers, room }
}

/** Unmounts and checks that nothing of the subscriptions is left, and that nothing reaches React after it. */
async function unmountAndCheck(mounted: Awaited<ReturnType<typeof mountOpen>>) {
  const { screen, timers, room } = mounted
  expect(timers.pending).toBeGreaterThan(0) // the reconnect waits on a timer
  const started = countConnections()
  const rendersBefore = renders
  const changesBefore = changes.length

  await screen.unmount()
  await Promise.resolve() // the store's grace microtask
  expect(timers.pending).toBe(0)
  window.dispatchEvent(new Event('online')) // would make a live subscription retry at once
  await fault('reset') // the server is reachable again
  await new Promise((resolve) => setTimeout(resolve, 0))
  expect(timers.pending).toBe(0)
  expect(started.sse()).toBe(0)
  expect(started.ws()).toBe(0)
  expect(renders).toBe(rendersBefore)
  expect(changes).toHaveLength(changesBefore)
  const s = await stats()
  expect(s.sse.open + s.ws.open).toBe(0)
  expect(s.channels[`feed:${room}`]).toBeUndefined()
  expect(s.channels[`chat:${room}`]).toBeUndefined()
}

it('unmount while both connections wait out a backoff after a drop', async () => {
  const mounted = await mountOpen({ backoff: () => 30_000 })
  await fault('dropAll')
  await expect.element(mounted.screen.getByTestId('feed')).toHaveTextContent('reconnecting')
  await expect.element(mounted.screen.getByTestId('chat')).toHaveTextContent('reconnecting')
  await expect.element(mounted.screen.getByTestId('error')).toHaveTextContent('network')
  await unmountAndCheck(mounted)
})

it('unmount while a restarting server answers 503 / 1013 with a retry hint', async () => {
  const mounted = await mountOpen({ backoff: () => 10 })
  await fault('restart', { keepLog: true, downMs: 20_000 })
  // the connections end, the retries are refused, and the hint (≥ 1 s) holds each next attempt back
  await until(async () => (await stats()).faults.refusedWhileDown >= 2)
  await expect.element(mounted.screen.getByTestId('feed')).toHaveTextContent('reconnecting')
  await expect.element(mounted.screen.getByTestId('chat')).toHaveTextContent('reconnecting')
  await unmountAndCheck(mounted)
})
