/**
 * A proxy that does not carry WebSockets (issue 9: "a TCP proxy that refuses upgrades"): between the client and
 * the reference server, it answers every `Upgrade: websocket` with `403` and passes plain HTTP. A sending channel
 * must move to SSE + POST, say so in `onTransport`, deliver and publish each send once, and go back to WebSocket
 * at the re-probe once the proxy carries upgrades again — all on real sockets, 127.0.0.1 only.
 */
import { afterEach, describe, expect, it, onTestFailed } from 'vitest'
import type { Subscription, TransportChange } from '../../src/types'
import { startHalfOpenProxy, type HalfOpenProxy } from '../support/half-open-proxy'
import { createWaiter, useServerAndClient } from './harness'

type Schema = { chat: { receive: { text: string }; send: { text: string } } }

const setup = useServerAndClient<Schema>()
let proxy: HalfOpenProxy | undefined
afterEach(async () => {
  await proxy?.close()
  proxy = undefined
})

/** The server as the other integration tests start it (heartbeat 200 ms, `retry:` 10 ms), and with its defaults. */
const SERVERS = [
  { name: 'with the harness intervals', options: {} },
  {
    name: 'with its default options',
    options: { serverDefaults: true },
  },
] as const

describe.each(SERVERS)(
  'createClient behind a proxy that refuses WebSocket upgrades (reference server $name)',
  ({ options }) => {
    it('a sending channel rides SSE + POST (each send published once), then WebSocket again after the re-probe', async () => {
      const published: string[] = []
      const h = await setup.startServer({
        ...options,
        onPublish: (event) => {
          const text = (event.data as { text?: string } | null)?.text
          if (text !== undefined) published.push(text)
        },
      })
      proxy = await startHalfOpenProxy(Number(new URL(h.baseUrl).port))
      proxy.refuseUpgrades(true)
      const waiter = createWaiter()
      const log: string[] = []
      onTestFailed(() => console.log(log.join('\n')))
      const rt = setup.createClient({ url: proxy.through(h.baseUrl), sendChannels: ['chat'], reprobeWebSocketMs: 300 })
      const received: string[] = []
      const transports: TransportChange[] = []
      const sub = rt.subscribe('chat', {
        key: 'behind-proxy',
        onEvent: (data) => {
          received.push(data.text)
          waiter.notify()
        },
        onTransport: (change) => {
          transports.push(change)
          log.push(`transport ${change.from ?? '-'}→${change.to} (${change.reason})`)
          waiter.notify()
        },
        onState: (change) => {
          log.push(`state ${change.from}→${change.to} ${change.reason ?? ''}`)
          waiter.notify()
        },
        onError: (error) => log.push(`error ${error.code}: ${error.message}`),
      }) as Subscription<{ text: string }, { text: string }>

      const live = proxy
      await waiter.until(() => sub.transport === 'sse' && sub.state === 'open', 'chat open on SSE + POST')
      expect(live.refused).toBeGreaterThan(0)
      expect(sub.transportReason).toBe('WebSocket blocked → SSE + POST')
      expect(transports.at(-1)).toMatchObject({ from: 'websocket', to: 'sse', reprobeAt: expect.any(Number) })
      await expect(sub.send({ text: 'over POST' })).resolves.toMatchObject({ eventId: expect.any(String) })
      await waiter.until(() => received.length === 1, 'the POSTed send delivered')

      live.refuseUpgrades(false)
      await waiter.until(() => sub.transport === 'websocket', 'back on WebSocket after the re-probe', 5_000)
      await expect(sub.send({ text: 'over WebSocket' })).resolves.toMatchObject({ eventId: expect.any(String) })
      await waiter.until(() => received.length === 2, 'the WebSocket send delivered')

      expect(received).toEqual(['over POST', 'over WebSocket'])
      expect(published).toEqual(['over POST', 'over WebSocket'])
      expect(transports.map((t) => t.to)).toEqual(['websocket', 'sse', 'websocket'])
    })
  },
)
