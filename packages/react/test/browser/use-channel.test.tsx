/**
 * `useChannel` in React 19 against the real server: StrictMode's double mount opens one connection (the server
 * counts it), an unmount closes it, a key change resubscribes, `send` publishes once, `reduce` folds events.
 */
import { StrictMode, useEffect } from 'react'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { render } from 'vitest-browser-react'
import { createClient, type Client } from '@switchline/client'
import { SwitchlineProvider, useChannel, useClient } from '../../src/index'
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

type Schema = {
  feed: { receive: { n: number } }
  chat: { receive: { text: string }; send: { text: string } }
}

let rt: Client<Schema>
let effectRuns = 0
/** `rt.subscribe` calls, by channel identifier. */
let subscribes: string[] = []

beforeEach(async () => {
  await untilNoConnections()
  rt = createClient<Schema>({ url: baseUrl(), sendChannels: ['chat'] })
  const subscribe = rt.subscribe
  rt.subscribe = ((name, options) => {
    subscribes.push(options?.key === undefined ? name : `${name}:${options.key}`)
    return subscribe(name, options)
  }) as typeof rt.subscribe
  effectRuns = 0
  subscribes = []
})
afterEach(() => {
  rt.close()
  restoreNatives()
})

function Feed({ channelKey }: { channelKey: string }) {
  const feed = useChannel(rt, 'feed', { key: channelKey })
  useEffect(() => {
    effectRuns += 1
  }, [])
  return (
    <div
      data-testid="feed"
      data-state={feed.state}
      data-transport={feed.transport ?? ''}
      data-last={feed.lastEventId ?? ''}
    >
      {feed.data === undefined ? 'none' : `n=${feed.data.n}`}
    </div>
  )
}

it('StrictMode: a double mount opens one SSE stream and one channel subscription; unmount closes them', async () => {
  const key = uniqueKey('strict')
  const started = countConnections()
  const before = await stats()
  const screen = await render(
    <StrictMode>
      <Feed channelKey={key} />
    </StrictMode>,
  )
  const feed = screen.getByTestId('feed')
  await expect.element(feed).toHaveAttribute('data-state', 'open')
  expect(effectRuns).toBe(2) // StrictMode did mount, unmount and mount again
  expect(subscribes).toEqual([`feed:${key}`])
  expect(started.sse()).toBe(1)
  const id = await publish(`feed:${key}`, { n: 1 })
  await expect.element(feed).toHaveTextContent('n=1')
  await expect.element(feed).toHaveAttribute('data-last', id)
  await expect.element(feed).toHaveAttribute('data-transport', 'sse')

  const during = await stats()
  expect(during.sse.accepted - before.sse.accepted).toBe(1)
  expect(during.sse.open).toBe(1)
  expect(during.ws.accepted - before.ws.accepted).toBe(0)
  expect(during.channels[`feed:${key}`]).toBe(1)

  await screen.unmount()
  await until(async () => (await stats()).sse.open === 0)
  const after = await stats()
  expect(after.channels[`feed:${key}`]).toBeUndefined()
  expect(after.sse.accepted).toBe(during.sse.accepted)
})

it('changing key resubscribes: the old channel is left, the new one delivers, data starts over', async () => {
  const a = uniqueKey('room-a')
  const b = uniqueKey('room-b')
  const screen = await render(
    <StrictMode>
      <Feed channelKey={a} />
    </StrictMode>,
  )
  const feed = screen.getByTestId('feed')
  await expect.element(feed).toHaveAttribute('data-state', 'open')
  await publish(`feed:${a}`, { n: 1 })
  await expect.element(feed).toHaveTextContent('n=1')

  await screen.rerender(
    <StrictMode>
      <Feed channelKey={b} />
    </StrictMode>,
  )
  await expect.element(feed).toHaveTextContent('none')
  expect(subscribes).toEqual([`feed:${a}`, `feed:${b}`])
  await until(async () => {
    const s = await stats()
    return s.channels[`feed:${b}`] === 1 && s.channels[`feed:${a}`] === undefined
  })
  await expect.element(feed).toHaveAttribute('data-state', 'open')
  await publish(`feed:${a}`, { n: 2 }) // the old room: not shown
  const id = await publish(`feed:${b}`, { n: 3 })
  await expect.element(feed).toHaveTextContent('n=3')
  await expect.element(feed).toHaveAttribute('data-last', id)
  const s = await stats()
  expect(s.sse.open).toBe(1)
  expect(s.channels[`feed:${b}`]).toBe(1)
})

function Chat({ room }: { room: string }) {
  const client = useClient<Schema>()
  const chat = useChannel(client, 'chat', {
    key: room,
    initial: [] as string[],
    reduce: (list, msg, meta) => [...list, `${meta.id}:${msg.text}`],
  })
  return (
    <div>
      <p data-testid="chat-state" data-transport={chat.transport ?? ''}>
        {chat.state}
      </p>
      <ul data-testid="messages">
        {chat.data.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <button type="button" onClick={() => void chat.send({ text: `hello ${chat.data.length}` })}>
        send
      </button>
    </div>
  )
}

/** A DOM click: Playwright's own click can report the button "not visible" in Firefox's test iframe. */
const clickSend = (screen: {
  getByRole: (role: 'button', options: { name: string }) => { element(): Element }
}): void => (screen.getByRole('button', { name: 'send' }).element() as HTMLElement).click()

it('send from a StrictMode component rides one WebSocket, is published once, and comes back through reduce', async () => {
  const room = uniqueKey('chat')
  const started = countConnections()
  const before = await stats()
  const screen = await render(
    <StrictMode>
      <SwitchlineProvider client={rt}>
        <Chat room={room} />
      </SwitchlineProvider>
    </StrictMode>,
  )
  await expect.element(screen.getByTestId('chat-state')).toHaveTextContent('open')
  await expect.element(screen.getByTestId('chat-state')).toHaveAttribute('data-transport', 'websocket')
  expect(subscribes).toEqual([`chat:${room}`])
  expect(started.ws()).toBe(1)
  clickSend(screen)
  await expect.element(screen.getByRole('listitem')).toHaveTextContent(/^\w+-\d+:hello 0$/)
  clickSend(screen)
  await expect.element(screen.getByRole('listitem').nth(1)).toHaveTextContent(/:hello 1$/)

  const s = await stats()
  expect(s.ws.accepted - before.ws.accepted).toBe(1)
  expect(s.sse.accepted - before.sse.accepted).toBe(0)
  expect(s.publishes - before.publishes).toBe(2)
  expect(s.channels[`chat:${room}`]).toBe(1)

  await screen.unmount()
  await until(async () => (await stats()).ws.open === 0)
})

it('two components on one client share its one SSE stream', async () => {
  const a = uniqueKey('shared-a')
  const b = uniqueKey('shared-b')
  const before = await stats()
  const screen = await render(
    <StrictMode>
      <Feed channelKey={a} />
      <Feed channelKey={b} />
    </StrictMode>,
  )
  await expect.element(screen.getByTestId('feed').nth(0)).toHaveAttribute('data-state', 'open')
  await expect.element(screen.getByTestId('feed').nth(1)).toHaveAttribute('data-state', 'open')
  await until(async () => {
    const s = await stats()
    return s.channels[`feed:${a}`] === 1 && s.channels[`feed:${b}`] === 1
  })
  const s = await stats()
  expect(s.sse.open).toBe(1)
  expect(s.sse.accepted - before.sse.accepted).toBe(1) // both channels joined before the stream opened
})
