/**
 * The multiplexed client behind `createClient()`: channels over the Switchline protocol — at most one SSE stream
 * and one WebSocket per client however many channels. Each channel picks its transport among the client's
 * (`transport-choice.ts`); a blocked WebSocket moves its channels to SSE + POST and is re-probed later. Sessions
 * own the connections; this file only wires. It imports no session: the transports (`sseTransport` in
 * sse-session.ts, `webSocketTransport` in ws-session.ts) are handed in, so a bundle holds only those it names.
 */
import { CHANNEL_OPTIONS, checkOptions, CLIENT_OPTIONS } from '../core/check-options'
import { createChannelSubscription, type ChannelSubscription } from './channel-subscription'
import { createCursorTracker } from '../core/dedupe'
import { invalidOptions, SwitchlineError } from '../core/errors'
import { createHttpPublisher, httpSendPath } from './http-publisher'
import { createOutbox, type Outbox } from './outbox'
import { resolveAgainstPage, resolvePlatform } from '../platform/platform'
import { channelName, isChannelId } from '../protocol/constants'
import type { MultiplexedSession, SendPath, SessionTransport } from './session-types'
import type { SseSession, SseSessionOptions } from './sse-session'
import { supervisorSettings } from '../core/supervisor'
import { clampDelay, type TimerHandle } from '../core/timers'
import { BLOCKED, FORCED_WEBSOCKET, pickTransport, SENDS, type WsBlockRegistry } from './transport-choice'
import type {
  ChannelSchema,
  Client,
  ClientOptions,
  ClientTransport,
  EventsOf,
  PublishResult,
  ReceiveOf,
  SendOf,
  StateChange,
  Subscription,
  TransportKind,
  TransportPreference,
} from '../types'
import type { WsSession, WsSessionOptions } from './ws-session'

/** A transport preference, refused (`invalid_options`) when it names the transport a single-transport client lacks. */
function usable(
  preference: TransportPreference | undefined,
  only: TransportKind | undefined,
): TransportPreference | undefined {
  if (only !== undefined && preference !== undefined && preference !== 'auto' && preference !== only) {
    throw invalidOptions(`transport '${preference}' is not among this client's transports (only '${only}')`)
  }
  return preference
}

/** Checks the options and returns the normalised base URL and origin. */
export function parseBaseUrl(url: unknown, caller = 'createClient'): { baseUrl: string; origin: string } {
  if (typeof url !== 'string') throw invalidOptions(`${caller}: \`url\` must be a string`)
  let parsed: URL
  try {
    parsed = resolveAgainstPage(url)
  } catch {
    throw invalidOptions(
      `${caller}: invalid URL ${JSON.stringify(url)} (an absolute http(s) URL, or a path in a browser)`,
    )
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidOptions(`${caller}: the URL must be http(s), got ${parsed.protocol}`)
  }
  return { baseUrl: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`, origin: parsed.origin }
}

/**
 * Creates a client over the given transports (at least one; see `ClientOptions.transports`), with its "WebSocket
 * blocked" registry (shared by the clients of a realm; injected by tests). `createClient` is this with its defaults.
 * @throws SwitchlineError `invalid_options`: see `createClient`; also a `transport` preference (client or channel)
 * for a transport the client does not have.
 * @example
 * createMultiplexedClient({ url }, [sseTransport], sharedWsBlockRegistry)
 */
export function createMultiplexedClient<S extends ChannelSchema>(
  options: ClientOptions,
  transports: readonly ClientTransport[],
  registry: WsBlockRegistry,
): Client<S> {
  if (typeof options !== 'object' || options === null) throw invalidOptions('createClient: options are required')
  const { baseUrl, origin } = parseBaseUrl(options.url)
  checkOptions('createClient()', options, CLIENT_OPTIONS) // here, not at the first connect or send()
  const sseTransport = transports.find((t) => t.kind === 'sse') as SessionTransport<SseSessionOptions> | undefined
  const wsTransport = transports.find((t) => t.kind === 'websocket') as SessionTransport<WsSessionOptions> | undefined
  if (!sseTransport && !wsTransport)
    throw invalidOptions('createClient: `transports` must name sseTransport and/or webSocketTransport')
  /** The one transport of a single-transport client (`undefined`: both). */
  const only: TransportKind | undefined = !wsTransport ? 'sse' : !sseTransport ? 'websocket' : undefined
  const clientPreference = usable(options.transport, only)
  const platform = (): ReturnType<typeof resolvePlatform> => resolvePlatform(options.platform)
  const base = platform()
  const tracker = createCursorTracker()
  const supervisor = supervisorSettings(options.reconnect)
  const reprobeMs = options.reprobeWebSocketMs ?? 60_000
  const publisher = createHttpPublisher({
    baseUrl,
    platform: base,
    token: options.token,
    headers: options.headers,
    withCredentials: options.withCredentials === true,
    timeoutMs: options.publishTimeoutMs,
  })
  const members = new Set<ChannelSubscription>()
  let sse: SseSession | undefined
  let ws: WsSession | undefined
  let reprobeTimer: TimerHandle | undefined
  /** When the scheduled re-probe runs (`client.reprobeAt`). */
  let reprobeAt: number | undefined
  let closed = false

  // One SSE send path for every channel of the client (it holds nothing per channel).
  let sharedHttpPath: SendPath | undefined
  const httpPath = (): SendPath => (sharedHttpPath ??= httpSendPath(publisher))

  /** The session of a transport, created on first need; `kind` labels its state changes for `onConnectionState`. */
  function ensure(kind: TransportKind): MultiplexedSession {
    const existing = kind === 'sse' ? sse : ws
    if (existing) return existing
    const common = {
      baseUrl,
      platform,
      tracker,
      token: options.token,
      connectTimeoutMs: options.connectTimeoutMs,
      supervisor,
      onState: (change: StateChange) => options.onConnectionState?.({ ...change, transport: kind }),
      onEmpty: () => {
        if (sse === session) sse = undefined
        if (ws === session) ws = undefined
      },
    }
    // The spread second (V8 memory notes §2: docs/decisions/0021-v8-memory-notes.md).
    const session: MultiplexedSession =
      kind === 'sse'
        ? (sse = (sseTransport as NonNullable<typeof sseTransport>).create({
            headers: options.headers,
            ...common,
            withCredentials: options.withCredentials === true,
            stallTimeoutMs: options.stallTimeoutMs,
          }))
        : (ws = (wsTransport as NonNullable<typeof wsTransport>).create({
            ping: options.ping,
            maxMessageBytes: options.maxMessageBytes,
            ...common,
            onBlocked: () => onBlocked(session),
            onWelcome: () => registry.clear(origin),
          }))
    return session
  }

  /** Puts a member on a transport: its transport fields, then that transport's session. */
  function placeOn(member: ChannelSubscription, kind: TransportKind, reason: string, until?: number): void {
    member.useTransport(kind, reason, httpPath(), until)
    ensure(kind).add(member)
  }

  function onBlocked(session: WsSession): void {
    if (closed || ws !== session) return
    const until = base.timers.now() + reprobeMs
    registry.markBlocked(origin, until)
    const onSocket = [...members].filter((m) => session.has(m))
    // Forced, or no SSE to fall back to: keep trying.
    if (only === 'websocket' || onSocket.every((m) => m.preference === 'websocket')) return
    ws = undefined
    session.close() // the members move to another transport, untold
    for (const member of onSocket) {
      if (member.closed) continue
      if (member.preference === 'websocket') placeOn(member, 'websocket', FORCED_WEBSOCKET)
      else if (member.transport === 'websocket') placeOn(member, 'sse', BLOCKED, until)
    }
    scheduleReprobe(until)
  }

  /** Tries WebSocket again at `at` for the channels that moved to SSE + POST (ms since epoch). */
  function scheduleReprobe(at: number): void {
    cancelReprobe()
    reprobeAt = at
    reprobeTimer = base.timers.setTimeout(
      () => {
        reprobeTimer = reprobeAt = undefined
        if (closed) return
        const candidates = [...members].filter(
          (m) => !m.closed && m.preference === 'auto' && m.sends && m.transport === 'sse',
        )
        if (candidates.length === 0) return
        const session = ensure('websocket')
        // Ride both for a moment: the channel moves when the WebSocket accepts it (ChannelHost.moveToWebSocket).
        for (const member of candidates) if (!session.has(member)) session.add(member)
      },
      clampDelay(at - base.timers.now()),
    )
  }

  function cancelReprobe(): void {
    if (reprobeTimer !== undefined) base.timers.clearTimeout(reprobeTimer)
    reprobeTimer = reprobeAt = undefined
  }

  const host = {
    release(member: ChannelSubscription) {
      members.delete(member)
      sse?.remove(member)
      ws?.remove(member)
    },
    moveToWebSocket(member: ChannelSubscription) {
      if (closed || member.closed) return
      member.useTransport('websocket', SENDS, httpPath())
      sse?.remove(member)
    },
    createOutbox: (channel: string): Outbox =>
      createOutbox({
        channel,
        timers: base.timers,
        random: base.random,
        maxCount: options.sendQueue?.maxCount,
        maxBytes: options.sendQueue?.maxBytes,
        ackTimeoutMs: options.ackTimeoutMs,
      }),
  }

  return {
    get reprobeAt() {
      return reprobeAt
    },
    subscribe(name, channelOptions = {}) {
      if (closed) throw new SwitchlineError('closed', 'client is closed')
      checkOptions('client.subscribe()', channelOptions, CHANNEL_OPTIONS)
      const channel = channelOptions.key === undefined ? name : `${name}:${channelOptions.key}`
      if (!isChannelId(channel))
        throw invalidOptions(`subscribe: invalid channel identifier ${JSON.stringify(channel)}`)
      const preference = usable(channelOptions.transport, only) ?? clientPreference ?? 'auto'
      const sends = options.sendChannels?.includes(channelName(channel)) === true // a few names: no Set per client
      const onTransport = options.onTransport
      const member = createChannelSubscription(
        channel,
        // The client's dashboard hook rides the channel's own, in the same order (only when the app gave one).
        onTransport
          ? {
              ...channelOptions,
              onTransport(change) {
                try {
                  channelOptions.onTransport?.(change)
                } finally {
                  onTransport({ ...change, channel })
                }
              },
            }
          : channelOptions,
        preference,
        sends,
        host,
      )
      if (member.closed)
        return member.subscription as Subscription<
          ReceiveOf<S[typeof name]>,
          SendOf<S[typeof name]>,
          PublishResult,
          EventsOf<S[typeof name]>
        > // signal already aborted
      members.add(member)
      const until = registry.blockedUntil(origin, base.timers.now())
      const choice = pickTransport(preference, sends, until !== undefined, only)
      // Blocked before this client learnt it itself (another client, same origin): it re-probes at the same time.
      const blocked = choice.reason === BLOCKED
      if (blocked && reprobeTimer === undefined) scheduleReprobe(until as number)
      placeOn(member, choice.kind, choice.reason, blocked ? reprobeAt : undefined)
      return member.subscription as Subscription<
        ReceiveOf<S[typeof name]>,
        SendOf<S[typeof name]>,
        PublishResult,
        EventsOf<S[typeof name]>
      >
    },
    close() {
      if (closed) return
      closed = true
      for (const member of [...members]) member.subscription.close()
      members.clear()
      cancelReprobe()
      sse?.close()
      ws?.close()
      sse = ws = undefined
    },
  }
}
