/**
 * The ONE SSE stream of a client (docs/protocol.md §5): all receive-side channels on `GET B/sse`, under a
 * supervisor (backoff, `retry:` hints, token on every connect). Changes to the channel set restart the stream,
 * coalesced per tick; each channel resumes from its own cursor (`since.<ch>`). A channel requested without a
 * cursor takes the head cursor of `sl-ready` (R9, head-cursor.ts), so it resumes without loss after a drop.
 */
import { SwitchlineError } from '../core/errors'
import { createWatchdog, DEFAULT_CONNECT_TIMEOUT_MS, type Watchdog } from '../core/liveness'
import { sseStallTimeoutMs } from '../protocol/constants'
import { DEFAULT_HEARTBEAT_MS, MAX_CHANNELS_PER_STREAM } from '../protocol/defaults'
import { setDefaultHeader } from '../core/headers'
import { resolveHeaders, resolveToken } from '../core/request-headers'
import { adoptHeadCursor } from '../core/head-cursor'
import { hasFetch, platformSse } from '../platform/platform'
import { buildSseRequest } from '../sse/sse-request'
import { routeSseEvent, type SseEventRoutes } from './sse-session-events'
import { createMemberRegistry } from './member-registry'
import { createSupervisor } from '../core/supervisor'
import { openEventSourceSse } from '../sse/sse-eventsource'
import { openFetchSse } from '../sse/sse-fetch'
import type { MemberSession, SessionMember, SessionOptions } from './session-member'
import type { SseEvent } from '../core/sse-parser'
import type { AttemptContext, AttemptHandle } from '../core/transport-types'
import type { HeadersInit_ } from '../types'

export { sseUrl } from '../sse/sse-request'

/** Options of {@link createSseSession}. */
export interface SseSessionOptions extends SessionOptions {
  headers?: HeadersInit_ | undefined
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
export type SseSession = MemberSession

/**
 * Creates the SSE session of a client. It connects when the first member is added.
 * @example
 * const sse = createSseSession({ baseUrl, platform: () => resolvePlatform(), tracker, supervisor })
 * sse.add(member)
 */
export function createSseSession(options: SseSessionOptions): SseSession {
  const members = createMemberRegistry()
  /** Members the current stream's `sl-ready` accepted (for quiet restarts). */
  const readyOn = new Set<SessionMember>()
  let attemptId = 0
  let scheduled = false
  let started = false
  let closed = false
  let quietRestart = false
  const base = options.platform()


  // No literal that starts with a spread (V8 memory notes §2: docs/decisions/0021-v8-memory-notes.md).
  const supervisor = createSupervisor({
    connect,
    ...options.supervisor,
    platform: base,
    onState(change) {
      options.onState?.(change)
      if (closed) return
      if (change.to === 'closed') {
        const error = change.error
        if (error) {
          members.each((member) => {
            dropMember(member)
            member.fail(error, 'sse')
          })
        }
        return
      }
      if (change.to === 'open') return // a member is open when sl-ready accepts it
      const { from: _from, ...rest } = change // one copy for every member, as on the WebSocket
      members.each((member) => {
        if (quietRestart && readyOn.has(member) && change.to === 'connecting') return
        member.state('sse', rest)
      })
    },
  })

  function dropMember(member: SessionMember): boolean {
    if (!members.remove(member)) return false
    readyOn.delete(member)
    return true
  }

  function schedule(): void {
    if (scheduled || closed) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      if (closed) return
      if (members.size === 0) {
        stop()
        return
      }
      if (!started) {
        started = true
        supervisor.start()
      } else {
        quietRestart = true
        supervisor.restart('channels changed')
      }
    })
  }

  function stop(): void {
    if (closed) return
    closed = true
    attemptId++
    supervisor.stop('no channels')
    options.onEmpty?.()
  }

  async function connect(ctx: AttemptContext): Promise<AttemptHandle> {
    const id = ++attemptId
    readyOn.clear()
    const platform = options.platform()
    const channels = members.channels().map((channel) => [channel, members.cursorFor(channel, options.tracker)] as const)
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
    if (id !== attemptId) return { close() {} }

    let watchdog: Watchdog | undefined
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    // Node's http writes no SSE headers before the first byte: a server that accepts and never writes would hang
    // `await fetch` forever. The attempt must reach sl-ready in time.
    const connectTimer = createWatchdog(base.timers, connectTimeoutMs, () =>
      fail(new SwitchlineError('timeout', `SSE connect timed out (no sl-ready within ${connectTimeoutMs} ms)`)),
    )
    let done = false
    const live = (): boolean => id === attemptId && !done
    const fail = (error: SwitchlineError): void => {
      if (!live()) return
      done = true
      watchdog?.stop()
      connectTimer.stop()
      handle.close()
      quietRestart = false
      ctx.failed(error)
    }
    const arm = (timeoutMs: number): void => {
      watchdog?.stop()
      watchdog = createWatchdog(base.timers, timeoutMs, () =>
        fail(new SwitchlineError('timeout', `SSE stream stalled (no event for ${timeoutMs} ms)`)),
      )
    }

    const routes = routesFor(ctx, sent, (heartbeatMs) => {
      connectTimer.stop()
      if (options.stallTimeoutMs === undefined) arm(sseStallTimeoutMs(heartbeatMs))
    })
    const handlers = {
      onOpen() {
        if (live()) arm(options.stallTimeoutMs ?? sseStallTimeoutMs(DEFAULT_HEARTBEAT_MS))
      },
      // Only events prove the server's feed alive (R13): sl-heartbeat, channel events, even malformed or oversized
      // ones. Bytes alone (`: keep-alive` comments a proxy injects, `retry:`) do not kick the stall watchdog.
      onEvent(event: SseEvent) {
        if (!live()) return
        watchdog?.kick()
        routeSseEvent(event, routes)
      },
      onRetry(ms: number) {
        if (live()) ctx.minDelay(ms)
      },
      onActivity() {},
      onError(error: SwitchlineError) {
        if (!live()) return
        watchdog?.kick() // an event over maxEventSize: dropped, but an event
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
      connectTimer.stop()
      throw error
    }
    return {
      close() {
        done = true
        watchdog?.stop()
        connectTimer.stop()
        handle.close()
      },
    }
  }

  function routesFor(
    ctx: AttemptContext,
    sent: ReadonlyMap<string, string | undefined>,
    onReady: (heartbeatMs: number) => void,
  ): SseEventRoutes {
    return {
      tracker: options.tracker,
      members,
      ready(payload) {
        onReady(payload.heartbeatMs)
        quietRestart = false
        ctx.opened()
        for (const channel of payload.channels) {
          const named = members.named(channel)
          // The members' own channel string as the tracker's key, not the payload's copy (~40 B per channel).
          adoptHeadCursor(options.tracker, named[0]?.channel ?? channel, payload.cursor, sent.get(channel))
          for (const member of named) {
            readyOn.add(member)
            member.ready('sse')
          }
        }
      },
      failChannel(channel, error) {
        for (const member of members.named(channel)) {
          dropMember(member)
          member.fail(error, 'sse')
        }
        schedule()
      },
    }
  }

  /** A new channel on a full stream fails alone, a microtask later (never inside the app's `subscribe()` call). */
  function refuse(member: SessionMember): void {
    const max = MAX_CHANNELS_PER_STREAM
    const error = new SwitchlineError(
      'too_many_channels',
      `${member.channel}: the SSE stream already carries ${max} channels, the most a server accepts (R10)`,
      { fatal: true, channel: member.channel },
    )
    queueMicrotask(() => member.fail(error, 'sse'))
  }

  return {
    add(member) {
      if (closed) throw new SwitchlineError('closed', 'SSE session is closed')
      if (!members.hasChannel(member.channel) && members.size >= MAX_CHANNELS_PER_STREAM) return refuse(member)
      if (members.add(member)) schedule()
      else if (started && supervisor.state === 'open' && members.named(member.channel).some((m) => readyOn.has(m))) {
        readyOn.add(member)
        member.ready('sse')
      }
    },
    remove(member) {
      if (!dropMember(member)) return
      if (!members.hasChannel(member.channel)) schedule()
    },
    has: (member) => members.has(member),
    size: () => members.size,
    close() {
      members.clear()
      readyOn.clear()
      stop()
    },
  }
}
