/**
 * The ONE WebSocket of a client (docs/protocol.md §6): `B/ws` with subprotocol `switchline.v1`, `hello` → `welcome`,
 * one `subscribe` per channel with its cursor, application-level ping, publishes acknowledged by `ack`, under a
 * supervisor. Consecutive failures before open report the origin's WebSocket as blocked. Each attempt is a
 * {@link WsConnection} (ws-connection.ts).
 */
import { resolveToken } from '../core/request-headers'
import type { AttemptContext, AttemptHandle } from '../core/transport-types'
import { SessionSkeleton } from './session-skeleton'
import { inboundLimit, WsConnection, type WsSessionCore } from './ws-connection'
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/defaults'
import type { ChannelMember, MultiplexedSession, SessionTransport } from './session-types'
import type { ClientTransport } from '../types'
import type { WsSessionOptions } from './ws-options'

export { wsUrl } from './ws-connection'
export type { WsSessionOptions } from './ws-options'

/**
 * The client's WebSocket (`baseUrl`'s scheme becomes ws/wss). The connect timeout runs from construction until
 * `welcome`.
 */
export type WsSession = MultiplexedSession

/**
 * The WebSocket transport of `createClient`: sending channels (and forced ones) on the client's one WebSocket.
 * @example
 * import { createClient, sseTransport, webSocketTransport } from '@switchline/client/channels'
 * const rt = createClient({ url: 'https://api.example.com/rt', transports: [sseTransport, webSocketTransport] })
 */
export const webSocketTransport: ClientTransport = {
  kind: 'websocket',
  create: createWsSession,
} as SessionTransport<WsSessionOptions>

/**
 * Creates the WebSocket session of a client. It connects when the first member is added.
 * @example
 * const ws = createWsSession({ baseUrl, platform: () => resolvePlatform(), tracker, supervisor, onBlocked })
 * ws.add(member)
 */
export function createWsSession(options: WsSessionOptions): WsSession {
  return new WebSocketSession(options)
}

/**
 * The WebSocket session: the {@link SessionSkeleton} plus what its connections share (V8 memory notes §1:
 * docs/decisions/0021-v8-memory-notes.md). Its public fields are shared with its connections
 * ({@link WsSessionCore}), not API.
 */
class WebSocketSession extends SessionSkeleton<WsSessionOptions> implements WsSessionCore {
  failuresBeforeOpen = 0
  frameId = 0
  conn: WsConnection | undefined
  maxMessageBytes: number
  oversized = false
  #started = false

  constructor(options: WsSessionOptions) {
    super(options, 'websocket')
    this.maxMessageBytes = inboundLimit(options.maxMessageBytes, DEFAULT_MAX_FRAME_BYTES)
  }

  protected async open(ctx: AttemptContext, id: number): Promise<AttemptHandle> {
    const platform = this.options.platform()
    const token = await resolveToken(this.options.token)
    if (id !== this.attemptId) return { close() {} }
    return new WsConnection(this, ctx, id, token, platform)
  }

  protected channelGone(channel: string, unsubscribe: boolean): void {
    if (this.members.size === 0) this.stop()
    else if (unsubscribe) this.conn?.unsubscribe(channel)
  }

  protected override stop(): void {
    this.conn = undefined
    super.stop()
  }

  protected join(member: ChannelMember): void {
    const isNew = this.members.add(member)
    if (!this.#started) {
      this.#started = true
      this.supervisor.start()
      return
    }
    const { conn } = this
    if (!conn) return
    member.wsPath?.(conn)
    if (isNew) conn.subscribe(member.channel)
    else member.ready('websocket')
  }
}
