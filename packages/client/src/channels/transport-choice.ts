/**
 * Which transport a channel rides, and the "WebSocket blocked" registry per origin. The decision is pure; the
 * registry only remembers until when an origin's WebSocket counts as blocked (time is passed in).
 */
import type { TransportKind, TransportPreference } from '../types'

/** The inputs of {@link chooseTransport}. */
export interface TransportChoiceInput {
  /** What the app asked for (channel option, else client option). */
  preference: TransportPreference
  /** Whether the channel sends (the schema declares `send`). */
  channelSends: boolean
  /** Whether WebSocket is currently considered blocked for the origin. */
  wsBlocked: boolean
  /**
   * The client's one transport when it has only one (`ClientOptions.transports`); a forced preference for the other
   * was refused before. @defaultValue undefined (both)
   */
  only?: TransportKind | undefined
}

/** A decision and its reason in a few words (shown as `subscription.transportReason`). */
export interface TransportChoice {
  kind: TransportKind
  reason: string
}

// The reasons as module constants (the client uses these: one letter each once minified, where a table's property
// names are not), collected in TRANSPORT_REASONS for whoever wants them by name.
const RECEIVE_ONLY = 'receive-only → SSE'
/** {@link TRANSPORT_REASONS}`.sends`. */
export const SENDS = 'sends → WebSocket'
/** {@link TRANSPORT_REASONS}`.blocked`. */
export const BLOCKED = 'WebSocket blocked → SSE + POST'
const FORCED_SSE = 'forced SSE'
/** {@link TRANSPORT_REASONS}`.forcedWebSocket`. */
export const FORCED_WEBSOCKET = 'forced WebSocket'
const NO_WEBSOCKET = 'sends, no WebSocket transport → SSE + POST'
const NO_SSE = 'no SSE transport → WebSocket'

/** Reasons, written once. */
export const TRANSPORT_REASONS = {
  receiveOnly: RECEIVE_ONLY,
  sends: SENDS,
  blocked: BLOCKED,
  forcedSse: FORCED_SSE,
  forcedWebSocket: FORCED_WEBSOCKET,
  noWebSocket: NO_WEBSOCKET,
  noSse: NO_SSE,
} as const

/**
 * Picks the transport of one channel:
 * - forced (`'sse'` / `'websocket'`) → that transport, even when WebSocket is blocked;
 * - `'auto'` + receive-only → SSE;
 * - `'auto'` + sends → WebSocket, or SSE + HTTP POST while WebSocket is blocked;
 * - a client with one transport (`only`) → that one for every `'auto'` channel (sends over POST on SSE).
 * @example
 * chooseTransport({ preference: 'auto', channelSends: true, wsBlocked: false })
 * // { kind: 'websocket', reason: 'sends → WebSocket' }
 */
export function chooseTransport(input: TransportChoiceInput): TransportChoice {
  return pickTransport(input.preference, input.channelSends, input.wsBlocked, input.only)
}

/** {@link chooseTransport} with positional arguments (what the client calls: no input object per channel). */
export function pickTransport(
  preference: TransportPreference,
  channelSends: boolean,
  wsBlocked: boolean,
  only: TransportKind | undefined,
): TransportChoice {
  const reason =
    preference === 'sse'
      ? FORCED_SSE
      : preference === 'websocket'
        ? FORCED_WEBSOCKET
        : only === 'websocket'
          ? NO_SSE
          : !channelSends
            ? RECEIVE_ONLY
            : only === 'sse'
              ? NO_WEBSOCKET
              : wsBlocked
                ? BLOCKED
                : SENDS
  return { kind: reason === FORCED_WEBSOCKET || reason === NO_SSE || reason === SENDS ? 'websocket' : 'sse', reason }
}

/**
 * How many consecutive WebSocket failures before open mark the origin blocked. A failure before open is an
 * upgrade refused or closed before `open` (1006), or a connect timeout before `open`.
 *
 * A socket that opens is never counted, however often it then drops — even before `welcome` or any event: the
 * upgrade got through, so no proxy is blocking WebSocket, and moving to SSE would not fix what drops it. Such a
 * socket is retried with backoff on WebSocket, and an `open` resets the count (the failures are no longer
 * consecutive). The one exception is on the app's side: `transport: 'sse'` on the channel or the client.
 */
export const WS_FAILURES_BEFORE_BLOCKED = 2

/** Remembers, per origin, until when WebSocket counts as blocked. */
export interface WsBlockRegistry {
  /** Whether `origin`'s WebSocket is blocked at time `now`. */
  isBlocked(origin: string, now: number): boolean
  /** Until when `origin`'s WebSocket is blocked (ms since epoch), or `undefined` when it is not at time `now`. */
  blockedUntil(origin: string, now: number): number | undefined
  /** Marks `origin`'s WebSocket blocked until `until` (ms since epoch). */
  markBlocked(origin: string, until: number): void
  /** Forgets `origin` (a WebSocket to it opened). */
  clear(origin: string): void
}

/**
 * Creates a registry. Clients share {@link sharedWsBlockRegistry} so a second client to the same origin does not
 * pay for the same discovery again.
 * @example
 * const registry = createWsBlockRegistry()
 * registry.markBlocked('https://api.example.com', Date.now() + 60_000)
 */
export function createWsBlockRegistry(): WsBlockRegistry {
  const blockedUntil = new Map<string, number>()
  const until = (origin: string, now: number): number | undefined => {
    const at = blockedUntil.get(origin)
    if (at === undefined || now < at) return at
    blockedUntil.delete(origin)
    return undefined
  }
  return {
    isBlocked: (origin, now) => until(origin, now) !== undefined,
    blockedUntil: until,
    markBlocked(origin, until) {
      blockedUntil.set(origin, until)
    },
    clear(origin) {
      blockedUntil.delete(origin)
    },
  }
}

/** The registry shared by every client in this realm. */
export const sharedWsBlockRegistry: WsBlockRegistry = /* @__PURE__ */ createWsBlockRegistry()

/**
 * Whether the origin's WebSocket is now blocked, after `consecutive` failures before open in a row (this one
 * included) — see {@link WS_FAILURES_BEFORE_BLOCKED} for what counts and what does not.
 * @example
 * isBlockedAfter(1) // false
 * isBlockedAfter(2) // true
 */
export function isBlockedAfter(consecutive: number): boolean {
  return consecutive >= WS_FAILURES_BEFORE_BLOCKED
}
