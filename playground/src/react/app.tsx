/**
 * The React page's components. Test hooks (e2e/tests/react.spec.ts): `react-ticker`, `react-clock`, `react-chat`
 * sections with `data-state`, `data-transport` and `data-last-event-id`; `ticker-count`, `ticker-rows`; `clock-time`;
 * `chat-input`, `chat-send`, `chat-status`, `chat-log` (one `li[data-id]` per message); `toggle-ticker`.
 */
import { useState, type FormEvent, type ReactNode } from 'react'
import type { StreamSnapshot } from '@switchline/react'
import { useChannel, useClient, useStream } from '@switchline/react'

interface Price {
  symbol: string
  price: number
  ts: number
}
interface ChatMsg {
  text: string
}

/** The demo server's channels (`DEMO_CHANNELS`): what each receives, and what `chat` sends. */
export type Schema = {
  ticker: { receive: Price }
  chat: { receive: ChatMsg; send: ChatMsg }
}

/** The ticker folded into the last price per symbol, and how many ticks arrived. */
interface Prices {
  count: number
  bySymbol: Record<string, number>
}

function Panel({
  id,
  title,
  snapshot,
  children,
}: {
  id: string
  title: string
  snapshot: StreamSnapshot<unknown>
  children: ReactNode
}) {
  return (
    <section
      data-testid={id}
      data-state={snapshot.state}
      data-transport={snapshot.transport ?? ''}
      data-last-event-id={snapshot.lastEventId ?? ''}
      style={{ border: '1px solid #8884', borderRadius: 8, padding: '0.5rem 1rem', margin: '0.5rem 0' }}
    >
      <h2 style={{ fontSize: '1rem' }}>
        {title} · <span data-testid="state">{snapshot.state}</span> · {snapshot.transport ?? '—'} · last id{' '}
        {snapshot.lastEventId ?? '—'}
        {snapshot.error ? ` · ${snapshot.error.code}` : ''}
      </h2>
      {children}
    </section>
  )
}

function Ticker() {
  const ticker = useChannel(useClient<Schema>(), 'ticker', {
    initial: { count: 0, bySymbol: {} } as Prices,
    reduce: (prices, tick) => ({
      count: prices.count + 1,
      bySymbol: { ...prices.bySymbol, [tick.symbol]: tick.price },
    }),
  })
  return (
    <Panel id="react-ticker" title="ticker · useChannel + reduce" snapshot={ticker}>
      <p>
        ticks: <output data-testid="ticker-count">{ticker.data.count}</output>
      </p>
      <ul data-testid="ticker-rows">
        {Object.entries(ticker.data.bySymbol).map(([symbol, price]) => (
          <li key={symbol}>
            {symbol} {price.toFixed(2)}
          </li>
        ))}
      </ul>
    </Panel>
  )
}

function Clock() {
  // The raw form: the server's SSE endpoint read as any SSE stream (channel events are `message`s).
  const clock = useStream<{ channel: string; data: { iso: string } }>('/rt/sse?channels=clock', { events: ['message'] })
  return (
    <Panel id="react-clock" title="clock · useStream (raw SSE)" snapshot={clock}>
      <time data-testid="clock-time">{clock.data?.data.iso ?? 'waiting for the first tick'}</time>
    </Panel>
  )
}

function Chat({ room }: { room: string }) {
  const [status, setStatus] = useState('')
  const chat = useChannel(useClient<Schema>(), 'chat', {
    key: room,
    initial: [] as Array<{ id: string; text: string }>,
    reduce: (log, msg, meta) => [...log, { id: meta.id ?? '', text: msg.text }].slice(-20),
  })
  const send = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault()
    const text = String(new FormData(event.currentTarget).get('text') ?? '')
    setStatus('sending…')
    chat.send({ text }).then(
      ({ eventId }) => setStatus(`delivered as ${eventId}`),
      (error: Error) => setStatus(`failed: ${error.message}`),
    )
  }
  return (
    <Panel id="react-chat" title={`chat:${room} · useChannel + send`} snapshot={chat}>
      <form onSubmit={send}>
        <input name="text" data-testid="chat-input" defaultValue="hello from React" />
        <button type="submit" data-testid="chat-send">
          send
        </button>
        <span data-testid="chat-status">{status}</span>
      </form>
      <ul data-testid="chat-log">
        {chat.data.map((m) => (
          <li key={m.id} data-id={m.id}>
            {m.text}
          </li>
        ))}
      </ul>
    </Panel>
  )
}

export function App({ room }: { room: string }) {
  const [showTicker, setShowTicker] = useState(true)
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 720, margin: '1rem auto' }}>
      <h1 style={{ fontSize: '1.25rem' }}>Switchline + React</h1>
      <p>
        Hooks from <code>@switchline/react</code> in StrictMode. <a href="/">The full playground</a>.
      </p>
      <button type="button" data-testid="toggle-ticker" onClick={() => setShowTicker((s) => !s)}>
        {showTicker ? 'unmount the ticker' : 'mount the ticker'}
      </button>
      {showTicker ? <Ticker /> : null}
      <Clock />
      <Chat room={room} />
    </main>
  )
}
