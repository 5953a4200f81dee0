/**
 * A TCP proxy for tests that can go half-open: connections stay up (nothing is closed, no RST, no FIN) but bytes
 * stop being forwarded — the way a NAT that forgot a mapping, a sleeping laptop or a dead peer looks to the other
 * side. Listens on 127.0.0.1, port 0, and forwards to one local target.
 *
 * `halfOpen(mode)` kills every connection open now, and every one opened until `heal()`, in the given direction:
 * `'both'` forwards nothing, `'responses'` forwards the client's bytes but drops the server's (the request arrives,
 * the answer is lost). A connection once dead stays dead after `heal()` — a half-open connection never recovers;
 * only connections opened after `heal()` forward again.
 *
 * `refuseUpgrades(true)` makes it a proxy that does not carry WebSockets (a corporate proxy, an old load balancer):
 * a connection whose first request asks for `Upgrade: websocket` gets `403 Forbidden` and is closed; plain HTTP
 * (SSE, POST) still passes.
 */
import net from 'node:net'

export type HalfOpenMode = 'both' | 'responses'

export interface HalfOpenProxy {
  /** The proxy's port. */
  readonly port: number
  /** `url` with its host and port replaced by the proxy's. */
  through(url: string): string
  halfOpen(mode: HalfOpenMode): void
  heal(): void
  /** From now on, answer WebSocket upgrade requests with 403 and close (`false`: carry them again). */
  refuseUpgrades(on: boolean): void
  /** Upgrade requests refused so far. */
  readonly refused: number
  /** Bytes dropped so far: from clients (`up`) and from the target (`down`). */
  readonly swallowed: { up: number; down: number }
  /** Connections accepted so far. */
  readonly accepted: number
  /** Destroys every connection and stops listening. */
  close(): Promise<void>
}

interface Pair {
  client: net.Socket
  upstream: net.Socket
  dead: HalfOpenMode | undefined
}

/** Starts a proxy to `127.0.0.1:targetPort`. */
export async function startHalfOpenProxy(targetPort: number): Promise<HalfOpenProxy> {
  const pairs = new Set<Pair>()
  const swallowed = { up: 0, down: 0 }
  let mode: HalfOpenMode | undefined
  let accepted = 0
  let refuse = false
  let refused = 0

  const server = net.createServer((client) => {
    accepted += 1
    const upstream = net.connect(targetPort, '127.0.0.1')
    const pair: Pair = { client, upstream, dead: mode }
    pairs.add(pair)
    const end = (): void => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    let first = true
    client.on('data', (chunk: Buffer) => {
      // The request head arrives in the first chunk on loopback (a small request, written at once).
      if (first && refuse && /\r\nupgrade:\s*websocket/i.test(chunk.toString('latin1'))) {
        refused += 1
        upstream.destroy()
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      first = false
      if (pair.dead === 'both') swallowed.up += chunk.length
      else upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (pair.dead !== undefined) swallowed.down += chunk.length
      else client.write(chunk)
    })
    // A live pair passes a close on; a dead one does not (the other side never learns), until close().
    client.on('close', () => {
      if (pair.dead === undefined) end()
    })
    upstream.on('close', () => {
      if (pair.dead === undefined) end()
    })
    client.on('error', () => undefined)
    upstream.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port

  return {
    port,
    through(url) {
      const parsed = new URL(url)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(port)
      return parsed.href.replace(/\/$/, '')
    },
    halfOpen(next) {
      mode = next
      for (const pair of pairs) pair.dead ??= next
    },
    heal() {
      mode = undefined
    },
    refuseUpgrades(on) {
      refuse = on
    },
    get refused() {
      return refused
    },
    swallowed,
    get accepted() {
      return accepted
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy()
        pair.upstream.destroy()
      }
      pairs.clear()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
