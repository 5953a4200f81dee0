/**
 * What the client's two multiplexed sessions (its one SSE stream, its one WebSocket) share: the members by channel,
 * the supervisor and its state broadcast to the members, the attempt counter that makes a stale attempt's
 * callbacks no-ops, failing a channel for good, `remove()`, `stop()` and `close()`. A session is a subclass that
 * says how an attempt connects ({@link SessionSkeleton.open}), what joining and a channel's last member leaving do
 * ({@link SessionSkeleton.join}, {@link SessionSkeleton.channelGone}).
 */
import { SwitchlineError } from '../core/errors'
import { createSupervisor, type Supervisor } from '../core/supervisor'
import type { Timers } from '../core/timers'
import type { AttemptContext, AttemptHandle } from '../core/transport-types'
import type { StateChange, TransportKind } from '../types'
import { createMemberRegistry, type MemberRegistry } from './member-registry'
import type { ChannelMember, MemberStateChange, MultiplexedSession, SessionOptions } from './session-types'

/**
 * The shared part of a session, as a base class (V8 memory notes §1: docs/decisions/0021-v8-memory-notes.md).
 * Its public fields are shared with the session's attempts, not API.
 */
export abstract class SessionSkeleton<O extends SessionOptions = SessionOptions> implements MultiplexedSession {
  readonly members: MemberRegistry = createMemberRegistry()
  readonly options: O
  readonly timers: Timers
  /** The transport this session carries: what its members hear as `from`. */
  readonly kind: TransportKind
  /** Bumped by every attempt and by stop: an attempt whose id is not the current one is stale. */
  attemptId = 0
  closed = false
  readonly supervisor: Supervisor

  constructor(options: O, kind: TransportKind) {
    this.options = options
    this.kind = kind
    const base = options.platform()
    this.timers = base.timers
    // No literal that starts with a spread (V8 memory notes §2).
    this.supervisor = createSupervisor({
      connect: (ctx) => this.open(ctx, ++this.attemptId),
      ...options.supervisor,
      platform: base,
      onState: (change) => this.#broadcast(change),
    })
  }

  /** Connects one attempt; `id` is its {@link attemptId}. */
  protected abstract open(ctx: AttemptContext, id: number): Promise<AttemptHandle>
  /** Adds a member (the session is not closed). */
  protected abstract join(member: ChannelMember): void
  /** The last member of `channel` left: by `remove()` (`unsubscribe`) or because the channel failed. */
  protected abstract channelGone(channel: string, unsubscribe: boolean): void
  /** A member left: forget what the session keeps about it beyond the registry. */
  protected forget?(member: ChannelMember): void
  /** Whether a member does not hear this state change (SSE: a quiet restart of a channel that stays). */
  protected keepsQuiet?(member: ChannelMember, change: MemberStateChange): boolean

  /** The supervisor's state changes, to the app's hook and to every member (`open` comes per channel). */
  #broadcast(change: StateChange): void {
    const { members, kind } = this
    this.options.onState?.(change)
    if (this.closed) return
    if (change.to === 'closed') {
      const error = change.error
      if (error) {
        members.each((member) => {
          this.drop(member)
          member.fail(error, kind)
        })
      }
      return
    }
    if (change.to === 'open') return // a member is open when the server accepts its channel
    const { from: _from, ...rest } = change // one copy for every member
    members.each((member) => {
      if (!this.keepsQuiet?.(member, rest)) member.state(kind, rest)
    })
  }

  /** Removes a member; `false` when it was not there. */
  protected drop(member: ChannelMember): boolean {
    if (!this.members.remove(member)) return false
    this.forget?.(member)
    return true
  }

  /** A fatal error for a channel that has members: drop them and fail them. */
  failChannel(channel: string, error: SwitchlineError): void {
    const { members } = this
    for (const member of members.named(channel)) {
      this.drop(member)
      member.fail(error, this.kind)
    }
    if (!members.hasChannel(channel)) this.channelGone(channel, false)
  }

  /** Stops for good: the supervisor stops, stale attempts are ignored, the owner hears `onEmpty`. */
  protected stop(): void {
    if (this.closed) return
    this.closed = true
    this.attemptId++
    this.supervisor.stop('no channels')
    this.options.onEmpty?.()
  }

  add(member: ChannelMember): void {
    if (this.closed)
      throw new SwitchlineError('closed', `${this.kind === 'sse' ? 'SSE' : 'WebSocket'} session is closed`)
    this.join(member)
  }
  remove(member: ChannelMember): void {
    if (!this.drop(member)) return
    if (!this.members.hasChannel(member.channel)) this.channelGone(member.channel, true)
  }
  has(member: ChannelMember): boolean {
    return this.members.has(member)
  }
  size(): number {
    return this.members.size
  }
  close(): void {
    for (const member of this.members.clear()) this.forget?.(member)
    this.stop()
  }
}
