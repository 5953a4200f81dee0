/**
 * The fault injector: makes a real server misbehave on command — drops, stalls, delays, refusals, malformed
 * frames, 401s, 204 stops and restarts — through the server's internal hooks.
 */
import { CLOSE_CODES } from '@switchline/client/protocol'
import {
  SERVER_INTERNALS,
  type AdmissionPoint,
  type ConnectionHandle,
  type Refusal,
  type Transport,
} from '../internals'
import { globalTimers, type TimerFunctions } from '../options'
import type { SwitchlineServer } from '../server'
import { handleFaultRequest } from './fault-routes'
import { createOutputPipeline, type OutputPipeline } from './output-pipeline'
import type { FaultCounters, FaultInjector, FaultState } from './fault-types'

export type { FaultCounters, FaultInjector, FaultState, FaultStats } from './fault-types'

/** Options of {@link createFaultInjector}. */
export interface FaultInjectorOptions {
  /** Clock for delays and down time. @defaultValue `Date.now` */
  now?: () => number
  /** Timers for delays and down time. @defaultValue the global timers */
  timers?: Pick<TimerFunctions, 'setTimeout' | 'clearTimeout'>
}

const MALFORMED = { sse: 'data: {malformed\n\n', ws: '{malformed' } as const

/** Attaches a fault injector to `server`. With `faults: true` the same controls are served over HTTP. */
export function createFaultInjector(
  server: SwitchlineServer<boolean>,
  options: FaultInjectorOptions = {},
): FaultInjector {
  const internals = server[SERVER_INTERNALS]
  const now = options.now ?? Date.now
  const timers = options.timers ?? globalTimers
  const counters: FaultCounters = {
    upgradesRefused: 0,
    unauthorizedSent: 0,
    streamsStopped: 0,
    refusedWhileDown: 0,
    dropped: 0,
    malformedInjected: 0,
    restarts: 0,
  }
  let stalled: FaultState['stalled'] = false
  let delayMs = 0
  let refusingWebSockets: FaultState['refusingWebSockets'] = false
  let stoppingStreams = false
  let unauthorizeRemaining = 0
  let downUntil = 0
  const pipelines = new Map<ConnectionHandle, OutputPipeline>()

  const isStalled = (conn: ConnectionHandle): boolean => stalled === 'all' || stalled === conn.transport
  const forget = (conn: ConnectionHandle): void => {
    pipelines.get(conn)?.clear()
    pipelines.delete(conn)
  }
  const forgetAll = (): void => {
    for (const pipeline of pipelines.values()) pipeline.clear()
    pipelines.clear()
  }
  /** Pumps every pipeline; `flush` also releases what a delay still holds (the delay was turned off). */
  const pumpAll = (flush = false): void => {
    for (const [conn, pipeline] of [...pipelines]) {
      if (!conn.isOpen()) forget(conn)
      else if (flush) pipeline.flush()
      else pipeline.pump()
    }
    for (const [conn, pipeline] of [...pipelines]) if (pipeline.size() === 0) pipelines.delete(conn)
  }
  const downRemaining = (): number => Math.max(0, downUntil - now())
  const open = (transport?: Transport): ConnectionHandle[] =>
    internals.connections().filter((c) => transport === undefined || c.transport === transport)

  function admit(point: AdmissionPoint): Refusal | undefined {
    const down = downRemaining()
    if (down > 0) {
      counters.refusedWhileDown += 1
      const refusal: Refusal = {
        status: 503,
        code: 'unavailable',
        message: 'restarting',
        retryAfterSeconds: Math.max(1, Math.ceil(down / 1000)),
      }
      // A browser cannot see a refused upgrade's 503: WebSockets are accepted and closed 1013 `retry-after=<ms>`.
      if (point === 'upgrade') refusal.closeAfterUpgrade = { retryAfterMs: down }
      return refusal
    }
    if (point === 'upgrade' && refusingWebSockets !== false) {
      counters.upgradesRefused += 1
      return { status: refusingWebSockets, code: 'forbidden', message: 'WebSocket blocked (fault)' }
    }
    if (point === 'sse' && stoppingStreams) {
      counters.streamsStopped += 1
      return { status: 204, code: 'unavailable', message: 'stopped (fault)' }
    }
    return undefined
  }

  /** After `authenticate` and `authorize` allowed the request: `unauthorizeNext` overrides their answer. */
  function afterAuthorize(): Refusal | undefined {
    if (unauthorizeRemaining === 0) return undefined
    unauthorizeRemaining -= 1
    counters.unauthorizedSent += 1
    return { status: 401, code: 'unauthorized', message: 'unauthorized (fault)' }
  }

  function write(conn: ConnectionHandle, doWrite: () => void): void {
    let pipeline = pipelines.get(conn)
    if (!pipeline) {
      if (!conn.isOpen() || (!isStalled(conn) && delayMs <= 0)) return doWrite()
      pipeline = createOutputPipeline(() => isStalled(conn), now, timers)
      pipelines.set(conn, pipeline)
    }
    pipeline.push(doWrite, delayMs)
  }

  const faults: FaultInjector = {
    dropAll() {
      faults.drop('sse')
      faults.drop('ws')
    },
    drop(transport) {
      for (const conn of open(transport)) {
        conn.drop()
        counters.dropped += 1
      }
    },
    refuseWebSockets(on, opts = {}) {
      refusingWebSockets = on ? (opts.status ?? 403) : false
    },
    stall(on, opts = {}) {
      stalled = on ? (opts.transport ?? 'all') : false
      if (!on) pumpAll()
    },
    delay(ms) {
      delayMs = Math.max(0, ms)
      pumpAll(delayMs === 0)
    },
    injectMalformed(transport) {
      for (const conn of open(transport)) {
        conn.writeRaw(MALFORMED[transport])
        counters.malformedInjected += 1
      }
    },
    unauthorizeNext(n) {
      unauthorizeRemaining = Math.max(0, Math.floor(n))
    },
    stopStreams() {
      stoppingStreams = true
      for (const conn of open('sse')) conn.end()
    },
    restart({ keepLog, downMs = 0 }) {
      counters.restarts += 1
      for (const conn of open()) conn.end(CLOSE_CODES.restart, 'server restarting')
      forgetAll()
      if (!keepLog) {
        // The new epoch is in place at once; an asynchronous engine drops its backend's log in the background.
        const dropped = internals.resetLog()
        if (dropped instanceof Promise) dropped.catch(() => undefined)
      }
      downUntil = downMs > 0 ? now() + downMs : 0
    },
    reset() {
      stalled = false
      delayMs = 0
      refusingWebSockets = false
      stoppingStreams = false
      unauthorizeRemaining = 0
      downUntil = 0
      pumpAll(true)
    },
    stats() {
      return {
        ...counters,
        state: {
          stalled,
          delayMs,
          refusingWebSockets,
          stoppingStreams,
          unauthorizeRemaining,
          downRemainingMs: downRemaining(),
          heldWrites: [...pipelines.values()].reduce((sum, p) => sum + p.size(), 0),
        },
      }
    },
    detach() {
      faults.reset()
      forgetAll()
      internals.setHooks(undefined)
    },
  }

  internals.setHooks({
    admit,
    afterAuthorize,
    write,
    http: (rest, req, res) => handleFaultRequest(faults, server, rest, req, res),
    closed: forget,
    dispose: forgetAll,
  })
  return faults
}
