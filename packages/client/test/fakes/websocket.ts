/** A scriptable fake WebSocket (structural `WebSocketLike`) that records every instance. */
import type { WebSocketConstructor, WebSocketLike } from '../../src/platform-types'

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = []
  static reset(): void {
    FakeWebSocket.instances = []
  }
  static get last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1)
    if (!socket) throw new Error('no FakeWebSocket created')
    return socket
  }

  readyState = 0
  protocol = ''
  bufferedAmount = 0
  binaryType = 'blob'
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null = null
  readonly sent: string[] = []
  closedWith: { code: number | undefined; reason: string | undefined } | undefined

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeWebSocket.instances.push(this)
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open')
    this.sent.push(data)
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason }
    this.readyState = 3
  }

  // ---- driven by tests ----
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(data: unknown): void {
    this.onmessage?.({ data })
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3
    this.onerror?.({})
    this.onclose?.({ code, reason, wasClean: code !== 1006 })
  }
}

export const FakeWebSocketConstructor = FakeWebSocket as unknown as WebSocketConstructor
