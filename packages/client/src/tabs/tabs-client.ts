/**
 * `createTabsClient()`: a `createClient()` whose connections are shared by every tab of an origin. One tab, the
 * leader, elected with Web Locks, holds the client; the others subscribe and send through it over a
 * `BroadcastChannel`. When the leader tab closes (or is frozen) the next tab in the lock's queue takes over and
 * resumes every channel from the oldest cursor a tab reports; each tab drops what it has seen. Without Web Locks or
 * `BroadcastChannel` it is a plain `createClient()` (connections per tab). Each tab also holds a Web Lock of its own
 * while it lives: the leader forgets a tab that vanished without `bye` when the browser releases it. See
 * docs/decisions/0027-tabs-leader.md and 0029-forgetting-vanished-tabs.md.
 */
import { createClient } from '../channels/client'
import { createHttpPublisher } from '../channels/http-publisher'
import { parseBaseUrl } from '../channels/multiplexed-client'
import { CHANNEL_OPTIONS, checkOptions, CLIENT_OPTIONS } from '../core/check-options'
import { invalidOptions, SwitchlineError } from '../core/errors'
import { resolvePlatform } from '../platform/platform'
import type {
  ChannelSchema,
  ChannelSubscribeOptions,
  Client,
  ClientOptions,
  PublishResult,
  SendingChannel,
} from '../types'
import { createLeader, type Leader } from './leader'
import { fromErrorShape, isTabMessage, TAB_PROTOCOL_VERSION, type TabMessage } from './messages'
import { resolveTabsPlatform, type TabsPlatform } from './tab-platform'
import { isSeen, TabSubscription, type TabSubscriptionHost } from './tab-subscription'

/** Tab-sharing options of {@link createTabsClient}. */
export interface TabsOptions {
  /**
   * Names the group of tabs that share connections (the lock and the `BroadcastChannel`). Tabs share only with
   * tabs of the same origin and name; give clients with different credentials different names.
   * @defaultValue the client's `url`
   * @example
   * createTabsClient({ url, tabs: { name: `rt:${userId}` } })
   */
  name?: string
  /**
   * How long a new leader waits for the other tabs to report their channels and cursors before it subscribes
   * (a later report with an older cursor resubscribes that channel from it).
   * @defaultValue 100
   */
  settleMs?: number
  /** Browser overrides (Web Locks, `BroadcastChannel`, lifecycle events) — for tests. */
  platform?: Partial<TabsPlatform>
}

/** Which part this tab plays: `solo` without Web Locks or `BroadcastChannel` (its own connections). */
export type TabRole = 'leader' | 'follower' | 'solo'

/** Options of {@link createTabsClient}: those of `createClient()`, plus `tabs` and `onRole`. */
export interface TabsClientOptions extends ClientOptions {
  tabs?: TabsOptions
  /** Called when this tab becomes the leader or stops being it. */
  onRole?: (role: TabRole) => void
}

/** A {@link Client} shared across tabs. */
export interface TabsClient<S extends ChannelSchema> extends Client<S> {
  /** This tab's part right now. */
  readonly role: TabRole
}

/** A send waiting for its acknowledgement. */
interface PendingSend {
  ch: string
  data: unknown
  resolve(result: PublishResult): void
  reject(error: SwitchlineError): void
  cancel(): void
}

/** A tab's hold of its own lock: aborted while queued, released once granted. */
interface Hold {
  stop: AbortController
  release?: () => void
}

const MID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'
const createId = (random: () => number): string => {
  let id = ''
  for (let i = 0; i < 16; i++) id += MID_ALPHABET.charAt(Math.floor(random() * 36) % 36)
  return id
}

/**
 * Creates a client whose SSE stream and WebSocket are shared by every tab of the origin (same `url`, or same
 * `tabs.name`). Same API as {@link createClient}: events, gaps, state, transport and sends work from any tab.
 * All tabs should create it with the same options: the leader's connect with its own.
 * @throws SwitchlineError `invalid_options` as {@link createClient}.
 * @example
 * import { createTabsClient } from '@switchline/client/tabs'
 * const rt = createTabsClient<Schema>({ url: 'https://api.example.com/rt', sendChannels: ['chat'] })
 * const chat = rt.subscribe('chat', { key: 'room-a', onEvent: render })
 * await chat.send({ text: 'hi' }) // published once, whichever tab holds the connection
 */
export function createTabsClient<S extends ChannelSchema = ChannelSchema>(
  options: TabsClientOptions & { sendChannels?: readonly SendingChannel<NoInfer<S>>[] },
): TabsClient<S> {
  if (typeof options !== 'object' || options === null) throw invalidOptions('createTabsClient: options are required')
  const { tabs = {}, onRole, ...clientOptions } = options
  const tabsPlatform = resolveTabsPlatform(tabs.platform)
  if (tabsPlatform === undefined) {
    const client = createClient<S>(clientOptions)
    onRole?.('solo')
    return Object.assign(client, { role: 'solo' as const })
  }
  const { baseUrl } = parseBaseUrl(clientOptions.url, 'createTabsClient')
  checkOptions('createClient()', clientOptions, CLIENT_OPTIONS)
  const platform = resolvePlatform(clientOptions.platform)
  const { timers } = platform
  const tabId = createId(platform.random)
  // Versioned: a tab of another version of the tab protocol is not heard, and leads its own group.
  const name = `switchline-tabs/${TAB_PROTOCOL_VERSION}:${tabs.name ?? baseUrl}`
  const settleMs = tabs.settleMs ?? 100
  const ackTimeoutMs = clientOptions.ackTimeoutMs ?? 30_000
  const channel = new tabsPlatform.BroadcastChannel(name)
  const { locks } = tabsPlatform
  /** A tab's own lock, held while it lives: the leader forgets the tab when the browser releases it. */
  const lockOf = (tab: string): string => `${name}#${tab}`
  const views = new Map<string, Set<TabSubscription>>()
  const pending = new Map<string, PendingSend>()
  const election = new AbortController()
  let leader: Leader | undefined
  let abdicate: (() => void) | undefined
  let settleTimer: unknown
  /** This tab's hold of its own lock (`lockOf(tabId)`); `undefined` while it does not want it. */
  let hold: Hold | undefined
  /** The tab this one last heard lead (itself included). */
  let knownLeader: string | undefined
  let role: TabRole = 'follower'
  let closed = false

  const post = (message: TabMessage): void => {
    if (!closed) channel.postMessage(message)
  }
  /**
   * To the leader: this tab's own engine when it leads, the channel otherwise — once this tab holds its own lock,
   * so the leader never watches a lock not yet taken. Until then nothing is lost: the `hello` sent when it is
   * granted brings the leader's answer, and with it every channel and send (`announceAll`).
   */
  const toLeader = (message: TabMessage): void =>
    leader ? leader.handle(message) : hold?.release ? post(message) : undefined

  /** The oldest cursor of this tab's subscriptions to `ch` (resume from there). */
  function cursorOf(set: Set<TabSubscription>): string | undefined {
    let cursor: string | undefined
    for (const sub of set)
      if (sub.lastEventId !== undefined && (cursor === undefined || isSeen(sub.lastEventId, cursor)))
        cursor = sub.lastEventId
    return cursor
  }
  const subMessage = (ch: string, set: Set<TabSubscription>, first: TabSubscription): TabMessage => {
    const cursor = cursorOf(set)
    const transport = first.transportPreference
    return {
      t: 'sub',
      from: tabId,
      ch,
      ...(cursor !== undefined ? { cursor } : {}),
      ...(transport !== undefined ? { transport } : {}),
    }
  }
  /** Forwards a send to the leader; data that cannot be posted (not structured-cloneable) fails it alone. */
  function forward(mid: string, send: PendingSend): void {
    try {
      toLeader({ t: 'send', from: tabId, mid, ch: send.ch, data: send.data })
    } catch (cause) {
      if (pending.get(mid) !== send) return
      pending.delete(mid)
      send.cancel()
      send.reject(
        new SwitchlineError('invalid_options', 'send(): data cannot be passed to the leader tab (structured clone)', {
          cause,
          channel: send.ch,
        }),
      )
    }
  }
  function announceAll(): void {
    for (const [ch, set] of views) {
      const first = set.values().next().value
      if (first) toLeader(subMessage(ch, set, first))
    }
    for (const [mid, send] of [...pending]) forward(mid, send)
  }

  /** A message for this tab (from another tab, or from this tab's own leader engine). */
  function receive(message: TabMessage): void {
    switch (message.t) {
      case 'ev':
        for (const sub of views.get(message.ch) ?? [])
          sub.deliver(message.id, message.data, message.event, message.transport)
        return
      case 'gap':
        for (const sub of views.get(message.ch) ?? []) sub.gap(message.gap)
        return
      case 'err':
        for (const sub of views.get(message.ch) ?? []) sub.error(message.error)
        return
      case 'state':
        for (const sub of [...(views.get(message.ch) ?? [])]) sub.applyState(message.change)
        return
      case 'tr':
        for (const sub of views.get(message.ch) ?? []) sub.applyTransport(message.change)
        return
      case 'snap':
        if (message.to !== tabId) return
        for (const sub of views.get(message.ch) ?? []) {
          if (message.transport !== undefined)
            sub.applyTransport({ from: undefined, to: message.transport, reason: message.reason ?? '' })
          if (message.state !== 'closed') sub.applyState({ from: sub.state, to: message.state })
        }
        return
      case 'ack':
      case 'nack': {
        const send = message.to === tabId ? pending.get(message.mid) : undefined
        if (!send) return
        // Built before the send is removed: whatever happens, it is settled once.
        const error = message.t === 'nack' ? fromErrorShape(message.error) : undefined
        pending.delete(message.mid)
        send.cancel()
        if (message.t === 'ack') send.resolve({ eventId: message.eventId })
        else send.reject(error as SwitchlineError)
        return
      }
      case 'leader': {
        // An answer to another tab's hello, or the leader this tab already follows: nothing changed here.
        if (message.to !== undefined && message.to !== tabId) return
        const changed = message.from !== knownLeader
        if (!changed && message.to === undefined) return
        knownLeader = message.from
        holdOn() // the leader may have asked because this tab's lock was free: answered once it is held again
        if (changed) for (const set of views.values()) for (const sub of set) sub.leaderLost()
        announceAll() // to a new leader, or to the one that answered this tab's hello (it may have dropped them)
        return
      }
      default:
        // hello, sub, unsub, bye, send: for the leader
        if (leader) {
          if (message.t === 'hello') post({ t: 'leader', from: tabId, to: message.from })
          else leader.handle(message)
        }
    }
  }

  channel.onmessage = (event) => {
    // A malformed message (or one from another app on this channel name) is ignored, and nothing one message does
    // throws out of here: on Node an exception in onmessage ends the process. (App callbacks throw on their own.)
    if (!isTabMessage(event.data)) return
    try {
      receive(event.data)
    } catch {
      // dropped: the next message is handled as usual
    }
  }

  function lead(): Promise<void> {
    if (closed) return Promise.resolve()
    const publisher = createHttpPublisher({
      baseUrl,
      platform,
      token: clientOptions.token,
      headers: clientOptions.headers,
      withCredentials: clientOptions.withCredentials === true,
      timeoutMs: clientOptions.publishTimeoutMs,
    })
    const engine = createLeader(
      () => createClient<ChannelSchema>(clientOptions),
      publisher,
      (message) => {
        post(message)
        receive(message)
      },
      {
        self: tabId,
        watch(tab, gone) {
          const stop = new AbortController()
          // Granted once the tab's own hold ends; let go at once, so a live tab gets its lock back.
          locks.request(lockOf(tab), { signal: stop.signal }, async () => gone()).catch(() => undefined)
          return () => stop.abort()
        },
      },
    )
    leader = engine
    role = 'leader'
    onRole?.('leader')
    post({ t: 'leader', from: tabId })
    receive({ t: 'leader', from: tabId }) // this tab's own channels and sends, to its own engine
    settleTimer = timers.setTimeout(() => {
      settleTimer = undefined
      engine.start()
    }, settleMs)
    return new Promise<void>((release) => {
      abdicate = () => {
        abdicate = undefined
        if (settleTimer !== undefined) timers.clearTimeout(settleTimer)
        settleTimer = undefined
        leader = undefined
        knownLeader = undefined
        engine.close()
        if (!closed) {
          role = 'follower'
          onRole?.('follower')
        }
        release()
      }
    })
  }

  function campaign(): void {
    locks.request(name, { signal: election.signal }, lead).catch(() => undefined)
  }
  /** Takes this tab's own lock, held until `letGo()`: the browser releases it if the tab dies without `bye`. */
  function holdOn(): void {
    if (closed || hold) return
    const mine: Hold = { stop: new AbortController() }
    hold = mine
    locks
      .request(
        lockOf(tabId),
        { signal: mine.stop.signal },
        () =>
          new Promise<void>((release) => {
            if (hold !== mine) return release()
            mine.release = release
            post({ t: 'hello', from: tabId })
          }),
      )
      .catch(() => undefined)
      .then(() => {
        if (hold === mine) hold = undefined // lost (not let go): taken again when the leader asks
      })
  }
  function letGo(): void {
    const mine: Hold | undefined = hold
    hold = undefined
    mine?.stop.abort()
    mine?.release?.()
  }
  holdOn() // says hello once held
  campaign()

  // A frozen leader cannot serve: hand over, and queue up again. A page leaving says goodbye.
  const lifecycle = tabsPlatform.lifecycle
  const onFreeze = (): void => {
    if (!abdicate) return
    abdicate()
    campaign()
  }
  // A held lock keeps a page out of the back/forward cache (Chromium): let go of it with the `bye`.
  const onHide = (): void => {
    post({ t: 'bye', from: tabId })
    letGo()
  }
  const onShow = (event: { persisted?: boolean }): void => {
    if (event.persisted !== true) return
    if (hold?.release) post({ t: 'hello', from: tabId })
    else holdOn()
  }
  lifecycle?.addEventListener('freeze', onFreeze)
  lifecycle?.addEventListener('pagehide', onHide)
  lifecycle?.addEventListener('pageshow', onShow)

  const host: TabSubscriptionHost = {
    send(sub, data) {
      return new Promise<PublishResult>((resolve, reject) => {
        const mid = createId(platform.random)
        const timer = timers.setTimeout(() => {
          pending.delete(mid)
          reject(new SwitchlineError('timeout', `no acknowledgement within ${ackTimeoutMs} ms`, { channel: sub.ch }))
        }, ackTimeoutMs)
        const send: PendingSend = { ch: sub.ch, data, resolve, reject, cancel: () => timers.clearTimeout(timer) }
        pending.set(mid, send)
        forward(mid, send)
      })
    },
    release(sub) {
      const set = views.get(sub.ch)
      if (!set?.delete(sub)) return
      if (set.size > 0) return
      views.delete(sub.ch)
      toLeader({ t: 'unsub', from: tabId, ch: sub.ch })
    },
  }

  return {
    subscribe(channelName, subscribeOptions = {}) {
      if (closed) throw new SwitchlineError('closed', 'the client is closed', { fatal: true })
      checkOptions('client.subscribe()', subscribeOptions, CHANNEL_OPTIONS)
      const ch = subscribeOptions.key !== undefined ? `${channelName}:${subscribeOptions.key}` : channelName
      const sub = new TabSubscription(ch, subscribeOptions as ChannelSubscribeOptions<unknown>, host)
      let set = views.get(ch)
      if (!set) views.set(ch, (set = new Set()))
      set.add(sub)
      toLeader(subMessage(ch, set, sub))
      return sub as never
    },
    get reprobeAt() {
      return leader?.reprobeAt
    },
    get role() {
      return role
    },
    close() {
      if (closed) return
      for (const set of [...views.values()]) for (const sub of [...set]) sub.close()
      post({ t: 'bye', from: tabId })
      closed = true
      for (const [mid, send] of pending) {
        pending.delete(mid)
        send.cancel()
        send.reject(new SwitchlineError('closed', 'the client was closed', { fatal: true }))
      }
      abdicate?.()
      letGo()
      election.abort()
      lifecycle?.removeEventListener('freeze', onFreeze)
      lifecycle?.removeEventListener('pagehide', onHide)
      lifecycle?.removeEventListener('pageshow', onShow)
      channel.onmessage = null
      channel.close()
    },
  }
}
