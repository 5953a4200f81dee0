/**
 * The leader tab's side: one real `createClient()` whose channel subscriptions are shared by every tab. Each
 * channel is subscribed once, from the oldest cursor any tab reported; a tab that later reports an older cursor
 * than what was already broadcast gets the channel resubscribed from it (the others drop the replay as seen).
 * Sends forwarded by tabs are published over `POST B/publish` with the tab's own `mid`, so a send re-forwarded to
 * a new leader is published once (the server deduplicates by `mid`, protocol R22). A tab that goes away without
 * `bye` (crashed, killed, discarded) is forgotten when the browser releases its tab lock ({@link TabLiveness}).
 */
import type {
  ChannelSchema,
  Client,
  ClientOptions,
  StateChange,
  Subscription,
  TransportChange,
  TransportKind,
} from '../types'
import type { HttpPublisher } from '../channels/http-publisher'
import { compareEventIds } from '../protocol/cursor'
import type { TabMessage } from './messages'
import { toErrorShape, toStateShape } from './messages'

/** One shared channel. */
interface SharedChannel {
  sub: Subscription<unknown> | undefined
  /** Bumped for every subscription: callbacks of an older one are no-ops. */
  generation: number
  /** Cursor per interested tab. */
  tabs: Map<string, string | undefined>
  /** Where the current subscription started, and the last id it broadcast. */
  from: string | undefined
  lastId: string | undefined
  state: StateChange['to']
  transport: TransportKind | undefined
  reason: string | undefined
  transportPreference: ClientOptions['transport']
}

/**
 * How the leader learns that a tab is gone without `bye`. Each tab holds a Web Lock of its own for its lifetime;
 * `watch` queues for it and calls `gone` once the browser releases it (the tab closed, crashed or was discarded).
 * Returns a function that stops watching. docs/decisions/0029-forgetting-vanished-tabs.md.
 */
export interface TabLiveness {
  /** This (the leader's) tab: never watched. */
  self: string
  watch(tab: string, gone: () => void): () => void
}

/** The leader's engine. */
export interface Leader {
  /** Handles a message from a tab (its own tab's messages too). */
  handle(message: TabMessage): void
  /** Opens the channels collected so far (after the settle window). */
  start(): void
  readonly reprobeAt: number | undefined
  close(): void
}

const older = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && (b === undefined || (compareEventIds(a, b) ?? 0) < 0)

/**
 * Creates the leader's engine. `emit` broadcasts a message to every tab, this one included.
 * @example
 * const leader = createLeader(createClient(options), publisher, emit)
 */
export function createLeader(
  createClient: () => Client<ChannelSchema>,
  publisher: HttpPublisher,
  emit: (message: TabMessage) => void,
  liveness?: TabLiveness,
): Leader {
  const channels = new Map<string, SharedChannel>()
  /** Tabs with channels or sends here, and how to stop watching each. */
  const watched = new Map<string, { stop(): void }>()
  let client = createClient()
  let started = false
  let closed = false

  /** The oldest cursor any tab reported for `entry`. */
  function oldest(entry: SharedChannel): string | undefined {
    let from: string | undefined
    for (const cursor of entry.tabs.values())
      if (cursor !== undefined && (from === undefined || older(cursor, from))) from = cursor
    return from
  }

  function open(ch: string, entry: SharedChannel, from: string | undefined): void {
    entry.from = from
    entry.lastId = undefined
    const generation = ++entry.generation
    const current = (): boolean => entry.generation === generation
    const colon = ch.indexOf(':')
    entry.sub = client.subscribe(colon === -1 ? ch : ch.slice(0, colon), {
      ...(colon === -1 ? {} : { key: ch.slice(colon + 1) }),
      ...(from !== undefined ? { lastEventId: from } : {}),
      ...(entry.transportPreference !== undefined ? { transport: entry.transportPreference } : {}),
      onEvent: (data, meta) => {
        if (!current()) return
        if (meta.id !== undefined) entry.lastId = meta.id
        emit({
          t: 'ev',
          ch,
          ...(meta.id !== undefined ? { id: meta.id } : {}),
          data,
          event: meta.event,
          transport: meta.transport,
        })
      },
      onGap: (gap) => current() && emit({ t: 'gap', ch, gap }),
      onError: (error) => current() && !error.fatal && emit({ t: 'err', ch, error: toErrorShape(error) }),
      onState: (change) => {
        if (!current()) return
        entry.state = change.to
        if (change.to === 'closed') {
          channels.delete(ch)
          if (!change.error) return
        }
        emit({ t: 'state', ch, change: toStateShape(change) })
      },
      onTransport: (change: TransportChange) => {
        entry.transport = change.to
        entry.reason = change.reason
        if (current()) emit({ t: 'tr', ch, change })
      },
    })
  }

  /**
   * Opens `ch`; a channel the client refuses (a name it rejects) fails alone: its tabs get a fatal close, the
   * other channels open.
   */
  function tryOpen(ch: string, entry: SharedChannel, from: string | undefined): void {
    try {
      open(ch, entry, from)
    } catch (error) {
      entry.generation++
      entry.sub = undefined
      channels.delete(ch)
      const shape = toErrorShape(error)
      emit({ t: 'state', ch, change: { from: entry.state, to: 'closed', error: { ...shape, fatal: true } } })
    }
  }

  /**
   * Replays channel `ch` from `cursor`, older than what was broadcast. The client remembers each channel's cursor
   * (and drops what is older), so this takes a new client: every channel resumes from what it last broadcast.
   */
  function restart(ch: string, cursor: string): void {
    for (const entry of channels.values()) entry.generation++
    client.close()
    client = createClient()
    for (const [name, entry] of [...channels]) tryOpen(name, entry, name === ch ? cursor : (entry.lastId ?? entry.from))
  }

  function subscribe(message: Extract<TabMessage, { t: 'sub' }>): void {
    let entry = channels.get(message.ch)
    if (entry === undefined) {
      entry = {
        sub: undefined,
        generation: 0,
        tabs: new Map(),
        from: undefined,
        lastId: undefined,
        state: 'connecting',
        transport: undefined,
        reason: undefined,
        transportPreference: message.transport,
      }
      channels.set(message.ch, entry)
    }
    entry.tabs.set(message.from, message.cursor)
    if (!started) return
    if (entry.sub === undefined) tryOpen(message.ch, entry, oldest(entry))
    // Already broadcast past (or started after) this tab's cursor: resume from it.
    else if (message.cursor !== undefined && older(message.cursor, entry.lastId ?? entry.from))
      restart(message.ch, message.cursor)
    if (channels.get(message.ch) !== entry) return // it failed to open: its tabs were told
    emit({
      t: 'snap',
      to: message.from,
      ch: message.ch,
      state: entry.state,
      ...(entry.transport !== undefined ? { transport: entry.transport } : {}),
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    })
  }

  function drop(tab: string, ch?: string): void {
    for (const [name, entry] of channels) {
      if (ch !== undefined && name !== ch) continue
      entry.tabs.delete(tab)
      if (entry.tabs.size > 0) continue
      channels.delete(name)
      entry.generation++
      entry.sub?.close()
    }
  }

  /** Watches `tab` from its first `sub` or `send` on. */
  function admit(tab: string): void {
    if (liveness === undefined || tab === liveness.self || watched.has(tab)) return
    const watch = { stop: (): void => undefined }
    watched.set(tab, watch)
    // `gone` may come before `watch()` returns (a free lock is granted at once).
    watch.stop = liveness.watch(tab, () => {
      if (closed || watched.get(tab) !== watch) return
      watched.delete(tab)
      drop(tab)
      // Its lock was free, so it is gone — or alive and between two holds of it: asked to re-send its channels
      // (with cursors), a live tab is admitted again and resumes from there. Nobody answers for a dead one.
      emit({ t: 'leader', from: liveness.self, to: tab })
    })
  }

  function forget(tab: string): void {
    watched.get(tab)?.stop()
    watched.delete(tab)
    drop(tab)
  }

  function publish(message: Extract<TabMessage, { t: 'send' }>): void {
    publisher.publish({ channel: message.ch, data: message.data as never, mid: message.mid }).then(
      ({ eventId }) => !closed && emit({ t: 'ack', to: message.from, mid: message.mid, eventId }),
      (error: unknown) =>
        !closed && emit({ t: 'nack', to: message.from, mid: message.mid, error: toErrorShape(error) }),
    )
  }

  return {
    handle(message) {
      if (closed) return
      try {
        if (message.t === 'bye') return forget(message.from)
        if (message.t === 'sub' || message.t === 'send') admit(message.from)
        if (message.t === 'sub') subscribe(message)
        else if (message.t === 'unsub') drop(message.from, message.ch)
        else if (message.t === 'send') publish(message)
      } catch {
        // one message that fails does not stop the next
      }
    },
    start() {
      if (started || closed) return
      started = true
      for (const [ch, entry] of [...channels]) if (entry.sub === undefined) tryOpen(ch, entry, oldest(entry))
    },
    get reprobeAt() {
      return client.reprobeAt
    },
    close() {
      closed = true
      for (const watch of watched.values()) watch.stop()
      watched.clear()
      for (const entry of channels.values()) entry.generation++
      channels.clear()
      client.close()
    },
  }
}
