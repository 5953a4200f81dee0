/**
 * A TCP proxy on 127.0.0.1:0 in front of every test server, so that a case can fail the network the same way for
 * every library: `drop()` resets every connection at once, `freeze()` stops forwarding without closing anything
 * (a half-open connection: the client hears nothing, not even a FIN when the server gives up on it). New connections after either are forwarded.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number
  drop(): void
  freeze(): void
  close(): Promise<void>
}

interface Pair {
  client: Socket
  upstream: Socket
  /** Frozen: nothing is forwarded, and the server's side closing is not passed on either (a dead path). */
  frozen: boolean
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<Pair>()
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort })
    const pair: Pair = { client, upstream, frozen: false }
    pairs.add(pair)
    const end = (): void => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream
      .on('error', () => {})
      .on('close', () => {
        if (!pair.frozen) end()
      })
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy: no TCP address')
  return {
    port: address.port,
    drop() {
      for (const { client, upstream } of pairs) {
        client.resetAndDestroy()
        upstream.destroy()
      }
      pairs.clear()
    },
    freeze() {
      for (const pair of pairs) {
        const { client, upstream } = pair
        pair.frozen = true
        client.unpipe(upstream)
        upstream.unpipe(client)
        // Read and discard what arrives, so neither side sees backpressure or an error: only silence.
        client.on('data', () => {})
        upstream.on('data', () => {})
      }
    },
    close() {
      for (const { client, upstream } of pairs) {
        client.destroy()
        upstream.destroy()
      }
      pairs.clear()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
