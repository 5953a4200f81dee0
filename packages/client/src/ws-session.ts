/**
 * The ONE WebSocket of a client (docs/protocol.md §6): `B/ws` with subprotocol `switchline.v1`, `hello` → `welcome`,
 * one `subscribe` per channel with its cursor, application-level ping, publishes acknowledged by `ack`, under a
 * supervisor. Consecutive failures before open report the origin's WebSocket as blocked.
 */
import { classifyClose, SwitchlineError } from './errors'
import { createPinger, createWatchdog, DEFAULT_CONNECT_TIMEOUT_MS, type Pinger } from './liveness'
import { encodeFrame } from './protocol/codec'
import { PATHS, SUBPROTOCOL } from './protocol/constants'
import { resolveToken } from './http-publisher'
import { createMemberRegistry } from './member-registry'
import { createSupervisor } from './supervisor'
import { isBlockedAfter } from './transport-choice'
import { openWebSocket } from './transports/ws'
import { createWsFrameRouter, type WsPending } from './ws-session-frames'
import type { MemberSession, SendPath, SessionMember, SessionOptions } from './session-member'
import type { AttemptContext, AttemptHandle, WsAttempt } from './transports/types'
import type { PingOptions } from './types'

/** Options of {@link createWsSession}. */
export interface WsSessionOptions extends SessionOptions {
  ping?: PingOptions | undefined
  /** WebSocket failed to open `WS_FAILURES_BEFORE_BLOCKED` times in a row. The owner moves the members away. */
  onBlocked?: () => void
  /** A `welcome` arrived (the origin's WebSocket works). */
  onWelcome?: () => void
}

/**
 * The client's WebSocket (`baseUrl`'s scheme becomes ws/wss). The connect timeout runs from construction until
 * `welcome`.
 */
export interface WsSession extends MemberSession {
  /** Removes every member without telling them and stops (they are moving to another transport). */
  evacuate(): SessionMember[]
}

/** `http://h/rt` → `ws://h/rt/ws` (and https → wss). */
export function wsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/i, 'ws')}${PATHS.ws}`
}

/**
 * Creates the WebSocket session of a client. It connects when the first member is added.
 * @example
 * const ws = createWsSession({ baseUrl, platform: () => resolvePlatform(), tracker, supervisor, onBlocked })
 * ws.add(member)
 */
export function createWsSession(options: WsSessionOptions): WsSession {
  const members = createMemberRegistry()
  const base = options.platform()
  const pingIntervalMs = options.ping?.intervalMs ?? 15_000
  const pingTimeoutMs = options.ping?.timeoutMs ?? 10_000
  let attemptId = 0
  let closed = false
  let started = false
  let failuresBeforeOpen = 0
  let frameId = 0
  /** The current connection once `welcome` arrived. */
  let conn: ({ socket: WsAttempt; path: SendPath } & WsPending) | undefined


  // Not `{ ...spread, … }`: a literal that starts with a spread gets a hidden class of its own (~330 B each).
  const supervisor = createSupervisor({
    connect,
    ...options.supervisor,
    platform: base,
    onState(change) {
      options.onState?.(change)
      if (closed) return
      const { from: _from, ...rest } = change
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
      if (change.to !== 'open') members.each((member) => member.state('websocket', rest))
    },
  })

  function subscribe(channel: string): void {
    if (!conn) return
    const id = ++frameId
    const cursor = members.cursorFor(channel, options.tracker)
    ;(conn.subs ??= new Map()).set(id, { channel, cursor })
    conn.socket.send(encodeFrame({ type: 'subscribe', id, channel, cursor }))
  }

  async function connect(ctx: AttemptContext): Promise<AttemptHandle> {
    const id = ++attemptId
    const platform = options.platform()
    const token = await resolveToken(options.token)
    if (id !== attemptId) return { close() {} }
    let opened = false
    let done = false
    let pinger: Pinger | undefined
    const live = (): boolean => id === attemptId && !done

    const end = (error: SwitchlineError): void => {
      if (!live()) return
      done = true
      pinger?.stop()
      connectTimer.stop()
      if (conn !== undefined && conn.socket === socket) {
        conn = undefined
        members.each((member) => member.wsPath?.(undefined))
      }
      ctx.failed(error)
    }

    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    // From construction until welcome: a proxy that swallows the upgrade, or a server that opens and never says
    // welcome, fails the attempt (retryable). Before open it counts like any failure before open (blocked, twice).
    const connectTimer = createWatchdog(base.timers, connectTimeoutMs, () => {
      const what = opened ? 'no welcome' : 'not open'
      socket.closeWith(1000, 'connect timeout')
      failBeforeOpen(new SwitchlineError('timeout', `WebSocket connect timed out (${what} within ${connectTimeoutMs} ms)`))
    })
    const failBeforeOpen = (error: SwitchlineError): void => {
      if (opened) {
        end(error)
        return
      }
      failuresBeforeOpen++
      end(error)
      if (isBlockedAfter(failuresBeforeOpen) && !closed) options.onBlocked?.()
    }

    let socket: WsAttempt
    try {
      socket = openWebSocket(
        wsUrl(options.baseUrl),
        [SUBPROTOCOL],
        {
          onOpen() {
            if (!live()) return
            opened = true
            failuresBeforeOpen = 0 // the upgrade got through: whatever drops it next, it is not blocked
            socket.send(encodeFrame({ type: 'hello', token }))
          },
          onMessage(text) {
            if (live()) onFrame(text)
          },
          onError(error) {
            if (live()) members.each((member) => member.error(error))
          },
          onClose({ code, reason, opened: everOpened }) {
            if (!live()) return
            if (!everOpened && !opened) {
              failBeforeOpen(new SwitchlineError('network', `WebSocket failed to open (${code}${reason ? `: ${reason}` : ''})`, { closeCode: code }))
              return
            }
            end(classifyClose({ code, reason }).error)
          },
        },
        platform,
      )
    } catch (error) {
      connectTimer.stop()
      throw error
    }

    const onFrame = createWsFrameRouter({
      tracker: options.tracker,
      members,
      pending: () => conn,
      pong: () => pinger?.pong(),
      failChannel(channel, error) {
        for (const member of members.named(channel)) {
          members.remove(member)
          member.fail(error, 'websocket')
        }
        if (!members.hasChannel(channel)) afterRemoval(channel, false)
      },
      welcome(frame) {
        connectTimer.stop()
        failuresBeforeOpen = 0
        const path: SendPath = {
          kind: 'websocket',
          maxFrameBytes: frame.maxFrameBytes,
          publish(message, doneFn) {
            if (conn?.path !== path) return // gone: the outbox re-sends on the next path
            const frameNo = ++frameId
            ;(conn.acks ??= new Map()).set(frameNo, doneFn)
            socket.send(encodeFrame({ type: 'publish', id: frameNo, ...message }))
          },
        }
        conn = { socket, path, acks: undefined, subs: undefined }
        ctx.opened()
        options.onWelcome?.()
        pinger = createPinger({
          timers: base.timers,
          intervalMs: Math.min(pingIntervalMs, Math.max(1, frame.idleTimeoutMs - pingTimeoutMs)),
          timeoutMs: pingTimeoutMs,
          sendPing: () => socket.send(encodeFrame({ type: 'ping', id: ++frameId })),
          onTimeout: () => {
            socket.closeWith(1000, 'ping timeout')
            end(new SwitchlineError('timeout', `no pong within ${pingTimeoutMs} ms`))
          },
        })
        for (const channel of members.channels()) subscribe(channel)
        members.each((member) => member.wsPath?.(path))
      },
    })

    return {
      close() {
        done = true
        pinger?.stop()
        connectTimer.stop()
        if (conn?.socket === socket) conn = undefined
        socket.close()
      },
    }
  }

  function afterRemoval(channel: string, unsubscribe: boolean): void {
    if (members.size === 0) {
      stop()
      return
    }
    if (unsubscribe && conn) conn.socket.send(encodeFrame({ type: 'unsubscribe', id: ++frameId, channel }))
  }

  function stop(): void {
    if (closed) return
    closed = true
    attemptId++
    conn = undefined
    supervisor.stop('no channels')
    options.onEmpty?.()
  }

  return {
    add(member) {
      if (closed) throw new SwitchlineError('closed', 'WebSocket session is closed')
      const isNew = members.add(member)
      if (!started) {
        started = true
        supervisor.start()
        return
      }
      if (!conn) return
      member.wsPath?.(conn.path)
      if (isNew) subscribe(member.channel)
      else member.ready('websocket')
    },
    remove(member) {
      if (!members.remove(member)) return
      if (!members.hasChannel(member.channel)) afterRemoval(member.channel, true)
    },
    has: (member) => members.has(member),
    size: () => members.size,
    state: () => supervisor.state,
    evacuate() {
      const out = members.clear()
      stop()
      return out
    },
    close() {
      members.clear()
      stop()
    },
  }
}
