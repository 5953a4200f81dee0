/**
 * A TCP proxy on 127.0.0.1:0 in front of one server instance at a time, like a load balancer without sticky
 * sessions: `switchTo(port)` sends new connections to another instance, `cutAll()` destroys every proxied
 * connection (both sides, no goodbye), as a network drop or a balancer draining a node would. In front of Redis,
 * `refuseNew()` cuts an instance off from it for every connection it opens from then on, while the open ones stay.
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net'

/** A running proxy. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** New connections go to `port` from now on. */
  switchTo(port: number): void
  /** Destroys every open proxied connection; returns how many there were. */
  cutAll(): number
  /** From now on (until `refuseNew(false)`), every new connection is destroyed as soon as it is accepted. */
  refuseNew(refuse?: boolean): void
  /** Connections accepted so far (refused ones included). */
  accepted(): number
  close(): Promise<void>
}

/** Starts a proxy to `targetPort` on 127.0.0.1. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let target = targetPort
  let accepted = 0
  let refusing = false
  const pairs = new Set<[Socket, Socket]>()
  const server = createServer((client) => {
    accepted += 1
    if (refusing) {
      client.destroy()
      return
    }
    const upstream = createConnection({ host: '127.0.0.1', port: target })
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    const end = (): void => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const proxy: TcpProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    switchTo(next) {
      target = next
    },
    cutAll() {
      const count = pairs.size
      for (const [client, upstream] of [...pairs]) {
        client.destroy()
        upstream.destroy()
      }
      pairs.clear()
      return count
    },
    refuseNew(refuse = true) {
      refusing = refuse
    },
    accepted: () => accepted,
    async close() {
      proxy.cutAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return proxy
}
