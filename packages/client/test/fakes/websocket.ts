/**
 * A scriptable fake WebSocket (structural `WebSocketLike`) that records every instance. The test plays the
 * server: `open()`, `receive()`, `serverClose()`, and for the Switchline protocol `welcome()` and `subscribed()`.
 * No sockets, no timers of its own.
 */
import type { WebSocketConstructor, WebSocketLike } from '../../src/core/platform-types'

/** Binary message data, passed to `onmessage` as is (never JSON-encoded). */
function isBinary(data: unknown): boolean {
  return (
    data instanceof ArrayBuffer || ArrayBuffer.isView(data) || (typeof Blob !== 'undefined' && data instanceof Blob)
  )
}

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = []
  static reset(): void {
    FakeWebSocket.instances = []
  }
  /** The most recent socket. */
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
  /** Every text the client sent, as sent. */
  readonly sent: string[] = []
  closedWith: { code: number | undefined; reason: string | undefined } | undefined

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
    /** The third argument (the `ws` package's options, e.g. `maxPayload`). */
    readonly options?: { maxPayload?: number },
  ) {
    FakeWebSocket.instances.push(this)
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open')
    this.sent.push(data)
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason }
    this.readyState = 3
  }

  // ---- read by tests ----
  /** Every text the client sent, JSON-parsed (throws if the client sent a frame that is not JSON). */
  get frames(): Array<Record<string, unknown>> {
    return this.sent.map((text) => JSON.parse(text) as Record<string, unknown>)
  }
  /** Parsed frames of one `type` the client sent. */
  sentOf(type: string): Array<Record<string, unknown>> {
    return this.frames.filter((frame) => frame.type === type)
  }

  // ---- driven by tests (the server side) ----
  /** Accepts the upgrade, agreeing to the first protocol the client offered (if any). */
  open(): void {
    this.readyState = 1
    this.protocol = (Array.isArray(this.protocols) ? this.protocols[0] : this.protocols) ?? ''
    this.onopen?.({})
  }
  /** One message: a string or binary data as is; anything else (a protocol frame) JSON-encoded. */
  receive(data: unknown): void {
    this.onmessage?.({ data: typeof data === 'string' || isBinary(data) ? data : JSON.stringify(data) })
  }
  /** `open()` then the Switchline `welcome` frame. */
  welcome(extra: Partial<{ epoch: string; idleTimeoutMs: number; maxFrameBytes: number }> = {}): void {
    this.open()
    this.receive({ type: 'welcome', epoch: 'e1', idleTimeoutMs: 45_000, maxFrameBytes: 65_536, ...extra })
  }
  /** Answers the client's last `subscribe` for `channel` with `subscribed` and the head cursor (R9). */
  subscribed(channel: string, cursor = 'e1-0'): void {
    const frame = this.sentOf('subscribe')
      .filter((f) => f.channel === channel)
      .at(-1)
    if (!frame) throw new Error(`no subscribe for ${channel} was sent`)
    this.receive({ type: 'subscribed', id: frame.id, channel, cursor })
  }
  /**
   * Closes from the server side (1006 without `open()` = refused). Like a browser, an unclean close (1006) fires
   * `onerror` before `onclose`.
   */
  serverClose(code: number, reason = ''): void {
    const wasClean = code !== 1006
    this.readyState = 3
    if (!wasClean) this.onerror?.({})
    this.onclose?.({ code, reason, wasClean })
  }
}

export const FakeWebSocketConstructor = FakeWebSocket as unknown as WebSocketConstructor
