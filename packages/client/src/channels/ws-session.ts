/**
 * The ONE WebSocket of a client (docs/protocol.md §6): `B/ws` with subprotocol `switchline.v1`, `hello` → `welcome`,
 * one `subscribe` per channel with its cursor, application-level ping, publishes acknowledged by `ack`, under a
 * supervisor. Consecutive failures before open report the origin's WebSocket as blocked. Each attempt is a
 * {@link WsConnection} (ws-connection.ts).
 */
import { SwitchlineError } from '../core/errors'
import { resolveToken } from '../core/request-headers'
import { createMemberRegistry, type MemberRegistry } from './member-registry'
import { createSupervisor, type Supervisor } from '../core/supervisor'
import type { Timers } from '../core/timers'
import type { AttemptContext, AttemptHandle } from '../core/transport-types'
import type { StateChange } from '../types'
import { inboundLimit, WsConnection, type WsSessionCore } from './ws-connection'
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/defaults'
import type { MemberSession, SessionMember } from './session-member'
import type { WsSessionOptions } from './ws-options'

export { wsUrl } from './ws-connection'
export type { WsSessionOptions } from './ws-options'

/**
 * The client's WebSocket (`baseUrl`'s scheme becomes ws/wss). The connect timeout runs from construction until
 * `welcome`.
 */
export type WsSession = MemberSession

/**
 * Creates the WebSocket session of a client. It connects when the first member is added.
 * @example
 * const ws = createWsSession({ baseUrl, platform: () => resolvePlatform(), tracker, supervisor, onBlocked })
 * ws.add(member)
 */
export function createWsSession(options: WsSessionOptions): WsSession {
  return new Session(options)
}

/**
 * The session as a class (V8 memory notes §1: docs/decisions/0021-v8-memory-notes.md).
 * Its public fields are shared with its connections ({@link WsSessionCore}), not API.
 */
class Session implements WsSession, WsSessionCore {
  readonly members: MemberRegistry = createMemberRegistry()
  readonly options: WsSessionOptions
  readonly timers: Timers
  attemptId = 0
  closed = false
  failuresBeforeOpen = 0
  frameId = 0
  conn: WsConnection | undefined
  maxMessageBytes: number
  oversized = false
  #started = false
  readonly #supervisor: Supervisor

  constructor(options: WsSessionOptions) {
    this.options = options
    this.maxMessageBytes = inboundLimit(options.maxMessageBytes, DEFAULT_MAX_FRAME_BYTES)
    const base = options.platform()
    this.timers = base.timers
    // Not `{ ...spread, … }`: a literal that starts with a spread gets a hidden class of its own (~330 B each).
    this.#supervisor = createSupervisor({
      connect: (ctx) => this.#connect(ctx),
      ...options.supervisor,
      platform: base,
      onState: (change) => this.#onState(change),
    })
  }

  #onState(change: StateChange): void {
    const { options, members } = this
    options.onState?.(change)
    if (this.closed) return
    if (change.to === 'closed') {
      if (change.error) {
        const error = change.error
        members.each((member) => {
          members.remove(member)
          member.fail(error, 'websocket')
        })
      }
      return
    }
    if (change.to === 'open') return
    const { from: _from, ...rest } = change
    members.each((member) => member.state('websocket', rest))
  }

  async #connect(ctx: AttemptContext): Promise<AttemptHandle> {
    const id = ++this.attemptId
    const platform = this.options.platform()
    const token = await resolveToken(this.options.token)
    if (id !== this.attemptId) return { close() {} }
    return new WsConnection(this, ctx, id, token, platform)
  }

  failChannel(channel: string, error: SwitchlineError): void {
    const { members } = this
    for (const member of members.named(channel)) {
      members.remove(member)
      member.fail(error, 'websocket')
    }
    if (!members.hasChannel(channel)) this.#afterRemoval(channel, false)
  }

  #afterRemoval(channel: string, unsubscribe: boolean): void {
    if (this.members.size === 0) this.#stop()
    else if (unsubscribe) this.conn?.unsubscribe(channel)
  }

  #stop(): void {
    if (this.closed) return
    this.closed = true
    this.attemptId++
    this.conn = undefined
    this.#supervisor.stop('no channels')
    this.options.onEmpty?.()
  }

  add(member: SessionMember): void {
    if (this.closed) throw new SwitchlineError('closed', 'WebSocket session is closed')
    const isNew = this.members.add(member)
    if (!this.#started) {
      this.#started = true
      this.#supervisor.start()
      return
    }
    const { conn } = this
    if (!conn) return
    member.wsPath?.(conn)
    if (isNew) conn.subscribe(member.channel)
    else member.ready('websocket')
  }
  remove(member: SessionMember): void {
    if (!this.members.remove(member)) return
    if (!this.members.hasChannel(member.channel)) this.#afterRemoval(member.channel, true)
  }
  has(member: SessionMember): boolean {
    return this.members.has(member)
  }
  size(): number {
    return this.members.size
  }
  close(): void {
    this.members.clear()
    this.#stop()
  }
}
