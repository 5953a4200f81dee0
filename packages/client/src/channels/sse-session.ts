/**
 * The ONE SSE stream of a client (docs/protocol.md §5): all receive-side channels on `GET B/sse`, under a
 * supervisor (backoff, `retry:` hints, token on every connect). Changes to the channel set restart the stream,
 * coalesced per tick; each channel resumes from its own cursor (`since.<ch>`). A channel requested without a
 * cursor takes the head cursor of `sl-ready` (R9, head-cursor.ts), so it resumes without loss after a drop.
 */
import { SwitchlineError } from '../core/errors'
import { AttemptTimers } from '../core/attempt-timers'
import { sseStallTimeoutMs } from '../protocol/constants'
import { DEFAULT_HEARTBEAT_MS, MAX_CHANNELS_PER_STREAM } from '../protocol/defaults'
import { setDefaultHeader } from '../core/headers'
import { resolveHeaders, resolveToken } from '../core/request-headers'
import { adoptHeadCursor } from '../core/head-cursor'
import { hasFetch, platformSse } from '../platform/platform'
import { buildSseRequest } from '../sse/sse-request'
import { routeSseEvent } from './sse-session-events'
import { SessionSkeleton } from './session-skeleton'
import { openEventSourceSse } from '../sse/sse-eventsource'
import { openFetchSse } from '../sse/sse-fetch'
import type {
  ChannelMember,
  MemberStateChange,
  MultiplexedSession,
  SessionOptions,
  SessionTransport,
} from './session-types'
import type { SseEvent } from '../core/sse-parser'
import type { SseReadyPayload } from '../protocol/frames'
import type { AttemptContext, AttemptHandle } from '../core/transport-types'
import type { ClientTransport, HeadersProvider } from '../types'

export { sseUrl } from '../sse/sse-request'

/** Options of {@link createSseSession}. */
export interface SseSessionOptions extends SessionOptions {
  headers?: HeadersProvider | undefined
  withCredentials?: boolean
  /**
   * Fixed stall timeout; by default `2 × heartbeatMs + 5000` from `sl-ready`. `0` disables. Only events count
   * (`sl-heartbeat` included, R13); comments and other bytes do not.
   */
  stallTimeoutMs?: number | undefined
}

/**
 * The client's SSE stream. The connect timeout runs from the start of the request until `sl-ready`. A new channel
 * beyond the 64 a stream may carry (R10) is not added: it fails alone with `too_many_channels` (fatal), a
 * microtask later; other additions restart the stream, coalesced.
 */
export type SseSession = MultiplexedSession

/**
 * The SSE transport of `createClient`: receive-side channels on the client's one SSE stream, sends over HTTP POST.
 * @example
 * import { createClient, sseTransport } from '@switchline/client/channels'
 * const rt = createClient({ url: 'https://api.example.com/rt', transports: [sseTransport] })
 */
export const sseTransport: ClientTransport = {
  kind: 'sse',
  create: createSseSession,
} as SessionTransport<SseSessionOptions>

/**
 * Creates the SSE session of a client. It connects when the first member is added.
 * @example
 * const sse = createSseSession({ baseUrl, platform: () => resolvePlatform(), tracker, supervisor })
 * sse.add(member)
 */
export function createSseSession(options: SseSessionOptions): SseSession {
  return new SseStreamSession(options)
}

/**
 * The SSE session: the {@link SessionSkeleton} plus the stream's restarts, coalesced per tick (V8 memory notes §1:
 * docs/decisions/0021-v8-memory-notes.md).
 */
class SseStreamSession extends SessionSkeleton<SseSessionOptions> {
  /** Members the current stream's `sl-ready` accepted (for quiet restarts). */
  readonly #readyOn = new Set<ChannelMember>()
  #scheduled = false
  #started = false
  /** The stream restarts because its channels changed: members it carried on hear no `connecting`. */
  #quietRestart = false

  constructor(options: SseSessionOptions) {
    super(options, 'sse')
  }

  protected override forget(member: ChannelMember): void {
    this.#readyOn.delete(member)
  }

  protected override keepsQuiet(member: ChannelMember, change: MemberStateChange): boolean {
    return this.#quietRestart && this.#readyOn.has(member) && change.to === 'connecting'
  }

  protected channelGone(): void {
    this.#schedule()
  }

  /** Starts or restarts the stream for the current channels, once per tick; stops it when none are left. */
  #schedule(): void {
    if (this.#scheduled || this.closed) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      if (this.closed) return
      if (this.members.size === 0) {
        this.stop()
        return
      }
      if (!this.#started) {
        this.#started = true
        this.supervisor.start()
      } else {
        this.#quietRestart = true
        this.supervisor.restart('channels changed')
      }
    })
  }

  protected join(member: ChannelMember): void {
    const { members } = this
    if (!members.hasChannel(member.channel) && members.size >= MAX_CHANNELS_PER_STREAM) return refuse(member)
    if (members.add(member)) this.#schedule()
    else if (
      this.#started &&
      this.supervisor.state === 'open' &&
      members.named(member.channel).some((m) => this.#readyOn.has(m))
    ) {
      this.#readyOn.add(member)
      member.ready('sse')
    }
  }

  protected async open(ctx: AttemptContext, id: number): Promise<AttemptHandle> {
    const { options, members, timers } = this
    this.#readyOn.clear()
    const platform = options.platform()
    const channels = members
      .channels()
      .map((channel) => [channel, members.cursorFor(channel, options.tracker)] as const)
    /** The cursor each channel was requested with (`undefined`: none, live only — R9). */
    const sent = new Map(channels)
    const headers = await resolveHeaders(options.headers)
    const token = await resolveToken(options.token)
    if (token !== undefined) setDefaultHeader(headers, 'authorization', `Bearer ${token}`)
    const { request, useFetch } = buildSseRequest({
      baseUrl: options.baseUrl,
      channels,
      latest: options.tracker.latest(),
      headers,
      withCredentials: options.withCredentials === true,
      platform,
      hasFetch: hasFetch(platform),
    })
    if (id !== this.attemptId) return { close() {} }

    // Node's http writes no SSE headers before the first byte: a server that accepts and never writes would hang
    // `await fetch` forever. The attempt must reach sl-ready in time.
    const attemptTimers = new AttemptTimers(timers, options.connectTimeoutMs, (ms) =>
      fail(new SwitchlineError('timeout', `SSE connect timed out (no sl-ready within ${ms} ms)`)),
    )
    let done = false
    const live = (): boolean => id === this.attemptId && !done
    const end = (): void => {
      done = true
      attemptTimers.stop()
      handle.close()
    }
    const fail = (error: SwitchlineError): void => {
      if (!live()) return
      end()
      this.#quietRestart = false
      ctx.failed(error)
    }
    const arm = (timeoutMs: number): void =>
      attemptTimers.watch(timeoutMs, () =>
        fail(new SwitchlineError('timeout', `SSE stream stalled (no event for ${timeoutMs} ms)`)),
      )
    const ready = (payload: SseReadyPayload): void => {
      attemptTimers.connected()
      if (options.stallTimeoutMs === undefined) arm(sseStallTimeoutMs(payload.heartbeatMs))
      this.#quietRestart = false
      ctx.opened()
      for (const channel of payload.channels) {
        const named = members.named(channel)
        // The members' own channel string as the tracker's key, not the payload's copy (~40 B per channel).
        adoptHeadCursor(options.tracker, named[0]?.channel ?? channel, payload.cursor, sent.get(channel))
        for (const member of named) {
          this.#readyOn.add(member)
          member.ready('sse')
        }
      }
    }
    const handlers = {
      onOpen() {
        if (live()) arm(options.stallTimeoutMs ?? sseStallTimeoutMs(DEFAULT_HEARTBEAT_MS))
      },
      // Only events prove the server's feed alive (R13): sl-heartbeat, channel events, even malformed or oversized
      // ones. Bytes alone (`: keep-alive` comments a proxy injects, `retry:`) do not kick the stall watchdog.
      onEvent: (event: SseEvent) => {
        if (!live()) return
        attemptTimers.kick()
        routeSseEvent(event, this, ready)
      },
      onRetry(ms: number) {
        if (live()) ctx.minDelay(ms)
      },
      onActivity() {},
      onError(error: SwitchlineError) {
        if (!live()) return
        attemptTimers.kick() // an event over maxEventSize: dropped, but an event
        members.each((member) => member.error(error))
      },
      onClose(error: SwitchlineError | undefined) {
        fail(error ?? new SwitchlineError('network', 'SSE stream ended'))
      },
    }
    let handle: AttemptHandle
    try {
      const open = useFetch ? (platformSse?.(platform) ?? openFetchSse) : openEventSourceSse
      handle = open(request, handlers, platform)
    } catch (error) {
      attemptTimers.stop()
      throw error
    }
    return { close: end }
  }
}

/** A new channel on a full stream fails alone, a microtask later (never inside the app's `subscribe()` call). */
function refuse(member: ChannelMember): void {
  const error = new SwitchlineError(
    'too_many_channels',
    `${member.channel}: the SSE stream already carries ${MAX_CHANNELS_PER_STREAM} channels, the most a server accepts (R10)`,
    { fatal: true, channel: member.channel },
  )
  queueMicrotask(() => member.fail(error, 'sse'))
}
