/**
 * The ONE SSE stream of a client (docs/protocol.md §5): all receive-side channels on `GET B/sse`, under a
 * supervisor (backoff, `retry:` hints, token on every connect). Changes to the channel set restart the stream,
 * coalesced per tick; each channel resumes from its own cursor (`since.<ch>`). A channel requested without a
 * cursor takes the head cursor of `sl-ready` (R9, head-cursor.ts), so it resumes without loss after a drop.
 */
import { SwitchlineError } from './errors'
import { createWatchdog, type Watchdog } from './liveness'
import { decodeErrorPayload, decodeGap, decodeSseMessage, decodeSseReady } from './protocol/codec'
import { PATHS, PROTOCOL_DEFAULTS, SSE_EVENTS, sseStallTimeoutMs } from './protocol/constants'
import { resolveHeaders, resolveToken } from './http-publisher'
import { adoptHeadCursor } from './head-cursor'
import { createSupervisor } from './supervisor'
import { openEventSourceSse } from './transports/sse-eventsource'
import { openFetchSse } from './transports/sse-fetch'
import type { CursorTracker } from './dedupe'
import type { Platform } from './platform-types'
import type { SessionMember } from './session-member'
import type { SseEvent } from './sse-parser'
import type { Supervisor, SupervisorOptions } from './supervisor-types'
import type { AttemptContext, AttemptHandle, SseRequest } from './transports/types'
import type { HeadersInit_, StateChange, TokenProvider } from './types'

/** Options of {@link createSseSession}. */
export interface SseSessionOptions {
  /** Base URL without a trailing slash. */
  baseUrl: string
  /** Resolves the platform at connect time. */
  platform: () => Platform
  tracker: CursorTracker
  token?: TokenProvider | undefined
  headers?: HeadersInit_ | undefined
  withCredentials?: boolean
  /** Fixed stall timeout; by default `2 × heartbeatMs + 5000` from `sl-ready`. `0` disables. */
  stallTimeoutMs?: number | undefined
  /** Supervisor settings (backoff, attempts…); `connect`, `platform` and `onState` are filled in here. */
  supervisor: Omit<SupervisorOptions, 'connect' | 'platform' | 'onState'>
  /** Every state change of the stream (for `onConnectionState`). */
  onState?: (change: StateChange) => void
  /** The last member left (the session has stopped). */
  onEmpty?: () => void
}

/** The client's SSE stream. */
export interface SseSession {
  /** Adds a channel member (the stream restarts, coalesced). */
  add(member: SessionMember): void
  /** Removes a member; the last one out stops the stream. */
  remove(member: SessionMember): void
  has(member: SessionMember): boolean
  readonly size: number
  readonly state: Supervisor['state']
  /** Stops the stream for good; members get no further callbacks. */
  close(): void
}

const EVENT_NAMES = [SSE_EVENTS.ready, SSE_EVENTS.heartbeat, SSE_EVENTS.gap, SSE_EVENTS.error, 'message']

function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process
  return typeof proc?.versions?.node === 'string'
}

/**
 * Builds the stream URL: `B/sse?channels=a,b&since.a=<cursor>`.
 * @example
 * sseUrl('https://x/rt', [['a', 'k-1'], ['b', undefined]]) // 'https://x/rt/sse?channels=a%2Cb&since.a=k-1'
 */
export function sseUrl(baseUrl: string, channels: ReadonlyArray<readonly [string, string | undefined]>): string {
  const query = new URLSearchParams({ channels: channels.map(([channel]) => channel).join(',') })
  for (const [channel, cursor] of channels) if (cursor !== undefined) query.set(`since.${channel}`, cursor)
  return `${baseUrl}${PATHS.sse}?${query.toString()}`
}

/**
 * Creates the SSE session of a client. It connects when the first member is added.
 * @example
 * const sse = createSseSession({ baseUrl, platform: () => resolvePlatform(), tracker, supervisor })
 * sse.add(member)
 */
export function createSseSession(options: SseSessionOptions): SseSession {
  const members = new Map<string, Set<SessionMember>>()
  /** Members the current stream's `sl-ready` accepted (for quiet restarts). */
  const readyOn = new Set<SessionMember>()
  let attemptId = 0
  let scheduled = false
  let started = false
  let closed = false
  let quietRestart = false
  const base = options.platform()

  const each = (fn: (member: SessionMember) => void): void => {
    for (const set of [...members.values()]) for (const member of [...set]) fn(member)
  }
  const named = (channel: string): SessionMember[] => [...(members.get(channel) ?? [])]

  const supervisor = createSupervisor({
    ...options.supervisor,
    platform: base,
    connect,
    onState(change) {
      options.onState?.(change)
      if (closed) return
      if (change.to === 'closed') {
        const error = change.error
        if (error) {
          each((member) => {
            dropMember(member)
            member.fail(error, 'sse')
          })
        }
        return
      }
      each((member) => {
        if (change.to === 'open') return // a member is open when sl-ready accepts it
        if (quietRestart && readyOn.has(member) && change.to === 'connecting') return
        member.state('sse', stateOf(change))
      })
    },
  })

  function stateOf(change: StateChange): Parameters<SessionMember['state']>[1] {
    const { from: _from, ...rest } = change
    return rest
  }

  function dropMember(member: SessionMember): boolean {
    const set = members.get(member.channel)
    if (!set?.delete(member)) return false
    if (set.size === 0) members.delete(member.channel)
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
    const channels = [...members.keys()].map((channel) => {
      const cursor = options.tracker.get(channel) ?? named(channel)[0]?.initialCursor
      return [channel, cursor] as const
    })
    /** The cursor each channel was requested with (`undefined`: none, live only — R9). */
    const sent = new Map(channels)
    const headers = await resolveHeaders(options.headers)
    const token = await resolveToken(options.token)
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    // Every channel that has been on a stream has a cursor (its own, or the head cursor of its first sl-ready, R9),
    // and each travels as since.<ch>, which wins over Last-Event-ID. So Last-Event-ID changes nothing for those; it
    // is the stream-wide cursor of §3 for servers and proxies that only know the standard header. It is left out
    // while a channel is new (no cursor yet): the server would resume that channel from it instead of starting
    // live, replaying history the app did not ask for.
    const latest = channels.every(([, cursor]) => cursor !== undefined) ? options.tracker.latest() : undefined
    const useFetch = Object.keys(headers).length > 0 || platform.EventSource === undefined || isNode()
    let url = sseUrl(options.baseUrl, channels)
    if (latest !== undefined) {
      if (useFetch) headers['last-event-id'] = latest
      else url += `&lastEventId=${encodeURIComponent(latest)}`
    }
    if (id !== attemptId) return { close() {} }

    let watchdog: Watchdog | undefined
    let done = false
    const live = (): boolean => id === attemptId && !done
    const fail = (error: SwitchlineError): void => {
      if (!live()) return
      done = true
      watchdog?.stop()
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

    const request: SseRequest = {
      url,
      method: 'GET',
      headers,
      body: undefined,
      withCredentials: options.withCredentials === true,
      eventNames: EVENT_NAMES,
      maxEventSize: 4 * PROTOCOL_DEFAULTS.maxFrameBytes,
    }
    const handlers = {
      onOpen() {
        if (live()) arm(options.stallTimeoutMs ?? sseStallTimeoutMs(PROTOCOL_DEFAULTS.heartbeatMs))
      },
      onEvent(event: SseEvent) {
        if (live()) onEvent(event, ctx, arm, sent)
      },
      onRetry(ms: number) {
        if (live()) ctx.minDelay(ms)
      },
      onActivity() {
        if (live()) watchdog?.kick()
      },
      onError(error: SwitchlineError) {
        if (live()) each((member) => member.error(error))
      },
      onClose(error: SwitchlineError | undefined) {
        fail(error ?? new SwitchlineError('network', 'SSE stream ended'))
      },
    }
    const handle = useFetch
      ? openFetchSse(request, handlers, platform)
      : openEventSourceSse(request, handlers, platform)
    return {
      close() {
        done = true
        watchdog?.stop()
        handle.close()
      },
    }
  }

  function onEvent(
    event: SseEvent,
    ctx: AttemptContext,
    arm: (ms: number) => void,
    sent: ReadonlyMap<string, string | undefined>,
  ): void {
    const name = event.event ?? 'message'
    const malformed = (reason: string, channel?: string): void => {
      const error = new SwitchlineError('malformed_frame', `SSE ${name}: ${reason}`, channel ? { channel } : {})
      if (channel !== undefined && members.has(channel)) for (const m of named(channel)) m.error(error)
      else each((member) => member.error(error))
    }
    switch (name) {
      case SSE_EVENTS.ready: {
        const ready = decodeSseReady(event.data)
        if (!ready.ok) return malformed(ready.reason)
        if (options.stallTimeoutMs === undefined) arm(sseStallTimeoutMs(ready.value.heartbeatMs))
        quietRestart = false
        ctx.opened()
        for (const channel of ready.value.channels) {
          adoptHeadCursor(options.tracker, channel, ready.value.cursor, sent.get(channel))
          for (const member of named(channel)) {
            readyOn.add(member)
            member.ready('sse')
          }
        }
        return
      }
      case SSE_EVENTS.heartbeat:
        return
      case SSE_EVENTS.gap: {
        const gap = decodeGap(event.data)
        if (!gap.ok) return malformed(gap.reason)
        for (const member of named(gap.value.channel)) member.gap(gap.value)
        return
      }
      case SSE_EVENTS.error: {
        const payload = decodeErrorPayload(event.data)
        if (!payload.ok) return malformed(payload.reason)
        const { code, message, channel, fatal } = payload.value
        const error = new SwitchlineError('protocol', `${code}: ${message}`, {
          protocolCode: code,
          fatal,
          ...(channel === undefined ? {} : { channel }),
        })
        if (channel === undefined || !members.has(channel)) {
          each((member) => member.error(error))
          return
        }
        for (const member of named(channel)) {
          if (!fatal) {
            member.error(error)
            continue
          }
          dropMember(member)
          member.fail(error, 'sse')
        }
        if (fatal) schedule()
        return
      }
      default: {
        const message = decodeSseMessage(event.data)
        if (!message.ok) return malformed(message.reason)
        const { channel, data } = message.value
        const targets = named(channel)
        const id = event.id === undefined || event.id === '' ? undefined : event.id
        if (id !== undefined) {
          if (!options.tracker.accept(channel, id)) return
        }
        if (targets.length === 0) return
        const meta = { id, channel, event: message.value.event ?? 'message', transport: 'sse' as const }
        for (const member of targets) member.deliver(data, meta)
      }
    }
  }

  return {
    add(member) {
      if (closed) throw new SwitchlineError('closed', 'SSE session is closed')
      let set = members.get(member.channel)
      const isNew = set === undefined
      if (!set) members.set(member.channel, (set = new Set()))
      set.add(member)
      if (isNew) schedule()
      else if (started && supervisor.state === 'open' && [...set].some((m) => readyOn.has(m))) {
        readyOn.add(member)
        member.ready('sse')
      }
    },
    remove(member) {
      if (!dropMember(member)) return
      if (!members.has(member.channel)) schedule()
    },
    has(member) {
      return members.get(member.channel)?.has(member) ?? false
    },
    get size() {
      return members.size
    },
    get state() {
      return supervisor.state
    },
    close() {
      members.clear()
      readyOn.clear()
      stop()
    },
  }
}
