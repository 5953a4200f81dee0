/**
 * The Redis Streams engine: one log, one id sequence and one order for every instance of a cluster
 * (docs/decisions/0018). Two connections per instance: one for the scripts (`scripts.ts`), one for pub/sub
 * (`live-feed.ts`).
 */
import { Redis, type RedisOptions } from 'ioredis'
import { parseEventId, type GapInfo } from '@switchline/client/protocol'
import type { StoredEvent } from '../channel-log'
import type {
  EngineContext,
  EngineFactory,
  EngineHealth,
  EngineSubscription,
  SubscribeRequest,
  SwitchlineEngine,
} from '../engine'
import { newEpochBesides } from '../epoch'
import { SwitchlineServerError, UnavailableError } from '../errors'
import { createLiveFanout } from '../live-fanout'
import { createLiveFeed } from './live-feed'
import { APPEND_LUA, HEAD_LUA, keyGlob, redisKeys, REPLAY_LUA, RESET_LUA } from './scripts'
import { decodePayload, encodePayload } from './wire'

/** Options of {@link redisEngine}. */
export interface RedisEngineOptions {
  /**
   * The Redis server (standalone, 6.2 or later), as a `redis://` or `rediss://` URL.
   * @defaultValue `'redis://127.0.0.1:6379'`
   * @example `'redis://:password@redis.internal:6379/0'`
   */
  url?: string
  /**
   * The prefix of every key and pub/sub channel; instances of one cluster share it, unrelated clusters on one Redis
   * use different ones. It becomes a hash tag (`{switchline}:…`), so all keys live in one Redis Cluster slot.
   * @defaultValue `'switchline'`
   */
  keyPrefix?: string
  /**
   * How long a Redis command may take before the request it serves fails retryably (`503`, close `1013`).
   * @defaultValue `2000`
   */
  commandTimeoutMs?: number
  /**
   * How long a channel instance's metadata (retention marks, `mid` window) is kept after its last publish. Its
   * events are gone long before (`retention.maxAgeMs`); once forgotten, a cursor older than the forgotten channels'
   * last events gets a `retention` gap on any channel that has no metadata, never silence.
   * @defaultValue `86400000` (24 h)
   */
  idleChannelTtlMs?: number
  /**
   * How long this instance's pub/sub connection may stay lost before the instance ends its live streams (SSE ends,
   * WebSocket closes `1012`), so their clients resume from their cursors, on another instance if this one stays
   * cut off from Redis. A connection back sooner ends them when it is back instead: a Redis restart or a network
   * blip shorter than this keeps open streams up until it is over, instead of sending their clients into `503`s.
   * `GET B/ready` answers `503` for as long as the connection is lost, before and after the grace.
   * @defaultValue `5000`
   * @example `15_000` (ride out a longer failover before moving clients)
   */
  pubsubGraceMs?: number
  /**
   * The `Retry-After` (seconds) of the `503` answers sent while Redis is unreachable.
   * @defaultValue `1`
   */
  retryAfterSeconds?: number
  /**
   * More ioredis options (TLS, auth, `connectTimeout`, …). The engine sets the ones its guarantees depend on
   * itself: no offline queue and no resending of commands after a reconnect (a publish is retried by its client,
   * with its `mid`), no automatic resubscribe (a lost pub/sub connection interrupts subscribers instead).
   */
  redisOptions?: RedisOptions
}

type ScriptReply = [string, string, number]

interface ScriptCommands {
  slAppend(...args: (string | number)[]): Promise<ScriptReply>
  slReplay(...args: (string | number)[]): Promise<unknown[]>
  slHead(...args: (string | number)[]): Promise<[string, string]>
  slReset(...args: (string | number)[]): Promise<number>
}

/**
 * The Redis Streams engine, for several instances behind a load balancer: a cursor from any instance is valid on
 * every other, publishes on one reach subscribers on all, in one order (docs/protocol.md §3). Needs the `ioredis`
 * package (an optional peer dependency of `@switchline/server`).
 * @example
 * ```ts
 * import { createSwitchlineServer } from '@switchline/server'
 * import { redisEngine } from '@switchline/server/redis'
 *
 * const server = createSwitchlineServer({ channels, engine: redisEngine({ url: process.env.REDIS_URL }) })
 * await server.listen({ port: 8080 })
 * const id = await server.publish('ticker', { price: 1 })
 * ```
 */
export function redisEngine(options: RedisEngineOptions = {}): EngineFactory<false> {
  const settings = {
    url: options.url ?? 'redis://127.0.0.1:6379',
    keyPrefix: options.keyPrefix ?? 'switchline',
    commandTimeoutMs: positive('commandTimeoutMs', options.commandTimeoutMs, 2000),
    idleChannelTtlMs: positive('idleChannelTtlMs', options.idleChannelTtlMs, 86_400_000),
    pubsubGraceMs: positive('pubsubGraceMs', options.pubsubGraceMs, 5000, MAX_TIMER_MS),
    retryAfterSeconds: positive('retryAfterSeconds', options.retryAfterSeconds, 1),
    redisOptions: options.redisOptions ?? {},
  }
  if (!/^rediss?:\/\//.test(settings.url)) throw new TypeError('redisEngine: url must start with redis:// or rediss://')
  if (!/^[^{}\s]{1,64}$/.test(settings.keyPrefix))
    throw new TypeError('redisEngine: keyPrefix must be 1-64 characters without braces or spaces')
  return { name: 'redis', create: (context) => createRedisEngine(context, settings) }
}

/** The longest delay a timer takes (a longer one fires at once in Node). */
const MAX_TIMER_MS = 2_147_483_647

function positive(name: string, value: number | undefined, fallback: number, max = Number.MAX_VALUE): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new TypeError(
      `redisEngine: ${name} must be a positive number${max < Number.MAX_VALUE ? ` of at most ${max}` : ''}`,
    )
  }
  return value
}

type Settings = Required<Omit<RedisEngineOptions, 'redisOptions'>> & { redisOptions: RedisOptions }

function createRedisEngine(context: EngineContext, settings: Settings): SwitchlineEngine<false> {
  const keys = redisKeys(settings.keyPrefix)
  const connection: RedisOptions = {
    ...settings.redisOptions,
    commandTimeout: settings.commandTimeoutMs,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
  }
  // `as never`: ioredis 6's overloads reject a spread options object under exactOptionalPropertyTypes.
  const open = (connectionName: string): Redis => new Redis(settings.url, { ...connection, connectionName } as never)
  const commands = open('switchline-commands') as Redis & ScriptCommands
  const subscriber = open('switchline-pubsub')
  for (const [name, lua, numberOfKeys] of [
    ['slAppend', APPEND_LUA, 6],
    ['slReplay', REPLAY_LUA, 1],
    ['slHead', HEAD_LUA, 1],
    ['slReset', RESET_LUA, 1],
  ] as const) {
    commands.defineCommand(name, { lua, numberOfKeys })
  }
  // ioredis reports connection errors here and reconnects by itself; health() says what state it is in.
  const ignore = (): void => undefined
  commands.on('error', ignore)
  subscriber.on('error', ignore)

  const fanout = createLiveFanout((channel) => feed.release(channel))
  const feed = createLiveFeed(subscriber, keys, fanout, { timers: context.timers, graceMs: settings.pubsubGraceMs })
  let epoch: string | undefined
  let closed = false
  let firstReady: { resolve(): void; reject(error: Error): void } | undefined
  const readyOnce = new Promise<void>((resolve, reject) => (firstReady = { resolve, reject }))
  readyOnce.catch(ignore)
  /**
   * The epoch a script gives the cluster when Redis has none (a first start, or Redis lost its data): never the one
   * this instance knew, so ids of a lost log are never handed out again (a configured epoch is taken as it is, R8).
   */
  const candidate = (): string => context.epoch ?? newEpochBesides(epoch)

  const unavailable = (reason: string): UnavailableError =>
    new UnavailableError(`redis engine unavailable: ${reason}`, settings.retryAfterSeconds)
  /** A Redis failure as a server error: retryable unless Redis answered that the request itself is wrong. */
  const failure = (err: unknown): SwitchlineServerError => {
    if (err instanceof SwitchlineServerError) return err
    const message = err instanceof Error ? err.message : String(err)
    const replyError = err instanceof Error && err.name === 'ReplyError'
    if (replyError && !/^(OOM|LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)/.test(message)) {
      return new SwitchlineServerError('internal', 'internal error')
    }
    return unavailable(message)
  }
  const noteEpoch = (current: string): void => {
    epoch = current
  }

  function checkReady(): void {
    if (epoch !== undefined && feed.intact() && commands.status === 'ready') firstReady?.resolve()
  }
  let retryTimer: unknown
  /** Reads (or creates) the epoch once the command connection is up; the engine is ready after. */
  function loadEpoch(): void {
    commands.slHead(keys.head, candidate()).then(
      ([current]) => {
        noteEpoch(current)
        checkReady()
      },
      () => {
        if (!closed && commands.status === 'ready') retryTimer = context.timers.setTimeout(loadEpoch, 1000)
      },
    )
  }
  commands.on('ready', loadEpoch)
  subscriber.on('ready', checkReady)

  function health(): EngineHealth {
    if (closed) return { ready: false, state: 'closed', reason: 'engine closed' }
    const problem =
      commands.status !== 'ready'
        ? `redis commands connection ${commands.status}`
        : !feed.intact()
          ? `redis pub/sub connection ${subscriber.status === 'ready' ? 'recovering' : subscriber.status}`
          : epoch === undefined
            ? 'reading the epoch'
            : undefined
    if (problem === undefined) return { ready: true, state: 'ready' }
    return { ready: false, state: epoch === undefined ? 'connecting' : 'degraded', reason: problem }
  }

  return {
    sync: false,
    epoch: () => epoch,
    ready: () => readyOnce,
    async append({ channel, data, event, mid }) {
      if (closed) throw unavailable('engine closed')
      try {
        const [current, id, duplicate] = await commands.slAppend(
          keys.head,
          keys.stream(channel),
          keys.meta(channel),
          keys.mids(channel),
          keys.ring(channel),
          keys.active,
          channel,
          encodePayload(data, event),
          context.now(),
          context.maxEvents,
          context.maxAgeMs,
          candidate(),
          mid ?? '',
          context.midWindow,
          keys.pubsub(channel),
          settings.idleChannelTtlMs,
          keys.base,
        )
        noteEpoch(current)
        return { id, duplicate: duplicate === 1 }
      } catch (err) {
        throw failure(err)
      }
    },
    async subscribe(requests, listener) {
      const state = health()
      if (!state.ready) throw unavailable(state.reason ?? state.state)
      const generation = feed.generation()
      const channels = requests.map((r) => r.channel)
      const member = fanout.add(channels, listener)
      try {
        // Live first: once Redis acknowledged the pub/sub subscriptions, every later append reaches the member,
        // so the head read below is where live delivery starts, with nothing in between.
        await Promise.all(channels.map((channel) => feed.ensure(channel)))
        const reply = await commands.slReplay(
          keys.head,
          context.now(),
          context.maxAgeMs,
          candidate(),
          keys.base,
          ...replayArgs(requests),
        )
        if (closed) throw unavailable('engine closed')
        if (feed.generation() !== generation) throw unavailable('redis pub/sub connection lost')
        const result = decodeReplay(reply, requests)
        noteEpoch(result.epoch)
        return member.subscription(result.epoch, result.head, result.gaps, result.replay, result.headSeq)
      } catch (err) {
        member.close()
        throw failure(err)
      }
    },
    subscriberCounts: () => fanout.counts(),
    channelInstances: () => undefined,
    health,
    async reset() {
      const next = newEpochBesides(epoch)
      noteEpoch(next)
      feed.expectEpoch(next)
      try {
        await commands.slReset(keys.head, keyGlob(keys.base), next)
      } catch (err) {
        throw failure(err)
      }
    },
    async close() {
      if (closed) return
      closed = true
      if (retryTimer !== undefined) context.timers.clearTimeout(retryTimer)
      feed.close()
      firstReady?.reject(new Error('engine closed'))
      commands.disconnect()
      subscriber.disconnect()
    },
  }
}

/** The script arguments of each request: channel, mode, cursor epoch, cursor seq. */
function replayArgs(requests: readonly SubscribeRequest[]): string[] {
  const args: string[] = []
  for (const { channel, cursor } of requests) {
    if (cursor === undefined) args.push(channel, 'n', '', '0')
    else {
      const parsed = parseEventId(cursor)
      if (parsed) args.push(channel, 'c', parsed.epoch, String(parsed.seq))
      else args.push(channel, 'x', '', '0')
    }
  }
  return args
}

type StreamEntry = [string, string[]]

/** The replay script's reply as a subscription's head, gaps and merged replay. */
function decodeReplay(
  reply: unknown[],
  requests: readonly SubscribeRequest[],
): Pick<EngineSubscription, 'epoch' | 'head' | 'gaps' | 'replay'> & { headSeq: number } {
  const epoch = String(reply[0])
  const headSeq = Number(reply[1])
  const gaps: GapInfo[] = []
  const replay: StoredEvent[] = []
  requests.forEach(({ channel, cursor }, i) => {
    const reason = String(reply[2 + 2 * i])
    const entries = (reply[3 + 2 * i] ?? []) as StreamEntry[]
    const events = entries
      .map((entry) => storedEvent(channel, epoch, entry))
      .filter((e): e is StoredEvent => e !== undefined)
    if ((reason === 'epoch' || reason === 'retention') && cursor !== undefined) {
      gaps.push({ channel, from: cursor, to: events[0]?.id ?? null, reason })
    }
    replay.push(...events)
  })
  if (requests.length > 1) replay.sort((a, b) => a.seq - b.seq)
  return { epoch, head: `${epoch}-${headSeq}`, headSeq, gaps, replay }
}

function storedEvent(channel: string, epoch: string, [id, fields]: StreamEntry): StoredEvent | undefined {
  const seq = Number(id.slice(0, id.indexOf('-')))
  let at = 0
  let payload: string | undefined
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 't') at = Number(fields[i + 1])
    else if (fields[i] === 'p') payload = fields[i + 1]
  }
  const decoded = payload === undefined ? undefined : decodePayload(payload)
  if (!decoded) return undefined
  return {
    channel,
    id: `${epoch}-${seq}`,
    seq,
    data: decoded.data,
    event: decoded.event,
    at,
    sseWire: undefined,
    wsWire: undefined,
  }
}
