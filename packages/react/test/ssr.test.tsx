/**
 * Server rendering (react-dom/server in Node) against a real Switchline server: the hooks connect nothing, and
 * the markup is the same on every render — the snapshot hydration starts from.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { renderToString } from 'react-dom/server'
import { createClient, type Client, type Platform } from '@switchline/client'
import { createSwitchlineServer, DEMO_CHANNELS, type SwitchlineServer } from '@switchline/server'
import { SwitchlineProvider, useChannel, useClient, useStream } from '../src/index'

type Schema = {
  ticker: { receive: { symbol: string; price: number } }
  chat: { receive: { text: string }; send: { text: string } }
}

let server: SwitchlineServer
let baseUrl: string
let close: () => Promise<void>

beforeAll(async () => {
  server = createSwitchlineServer({ channels: { ...DEMO_CHANNELS } })
  const listener = await server.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = listener.baseUrl
  close = () => server.close()
  server.publish('ticker', { symbol: 'ACME', price: 1 }) // in the log: a connection would replay it
})
afterAll(() => close())

/** A platform whose network calls are counted (and fail): nothing must call them during a server render. */
function countingPlatform() {
  const calls: string[] = []
  const platform: Partial<Platform> = {
    fetch: async (input) => {
      calls.push(`fetch ${String(input)}`)
      throw new TypeError('no network during SSR')
    },
    WebSocket: class {
      constructor(url: string) {
        calls.push(`ws ${url}`)
        throw new TypeError('no network during SSR')
      }
    } as unknown as Platform['WebSocket'],
  }
  return { calls, platform }
}

function Ticker() {
  const rt = useClient<Schema>()
  const { data, state, transport, lastEventId } = useChannel(rt, 'ticker')
  return (
    <p data-state={state} data-transport={transport ?? ''} data-last={lastEventId ?? ''}>
      {data ? `${data.symbol} ${data.price}` : 'no price yet'}
    </p>
  )
}

function Chat() {
  const rt = useClient<Schema>()
  const chat = useChannel(rt, 'chat', {
    key: 'ssr',
    initial: [] as string[],
    reduce: (list, msg) => [...list, msg.text],
  })
  return (
    <ul data-state={chat.state}>
      {chat.data.length === 0 ? <li>empty</li> : chat.data.map((t) => <li key={t}>{t}</li>)}
    </ul>
  )
}

function Clock({ url }: { url: string }) {
  const { data, state } = useStream<{ iso: string }>(url)
  return <time data-state={state}>{data?.iso ?? 'no time yet'}</time>
}

function App({ client, streamUrl }: { client: Client<Schema>; streamUrl: string }) {
  return (
    <SwitchlineProvider client={client}>
      <Ticker />
      <Chat />
      <Clock url={streamUrl} />
    </SwitchlineProvider>
  )
}

it('renders the initial snapshot (connecting, no data) and opens no connection', async () => {
  const { calls, platform } = countingPlatform()
  const client = createClient<Schema>({ url: baseUrl, sendChannels: ['chat'], platform })
  const html = renderToString(<App client={client} streamUrl={`${baseUrl}/sse?channels=clock`} />)
  expect(html).toContain('<p data-state="connecting" data-transport="" data-last="">no price yet</p>')
  expect(html).toContain('<ul data-state="connecting"><li>empty</li></ul>')
  expect(html).toContain('<time data-state="connecting">no time yet</time>')
  await new Promise((resolve) => setImmediate(resolve)) // a connect started in a microtask would have called by now
  expect(calls).toEqual([])
  const stats = server.stats()
  expect(stats.sse.accepted).toBe(0)
  expect(stats.ws.accepted).toBe(0)
  expect(stats.channels).toEqual({})
  client.close()
})

it('renders the same markup every time, with the default platform too', () => {
  const client = createClient<Schema>({ url: baseUrl, sendChannels: ['chat'] })
  const render = () => renderToString(<App client={client} streamUrl={`${baseUrl}/sse?channels=clock`} />)
  const first = render()
  server.publish('ticker', { symbol: 'ACME', price: 2 })
  expect(render()).toBe(first)
  expect(server.stats().sse.accepted).toBe(0)
  client.close()
})

it('useClient without a provider throws a typed error', () => {
  expect(() => renderToString(<Ticker />)).toThrow(
    expect.objectContaining({ name: 'SwitchlineError', code: 'invalid_options' }),
  )
})
