/**
 * What the cases share: a subscription that records everything it reports, the client options of the suite
 * (small timeouts so it stays fast), bounded waits, and the payloads a server publishes.
 */
import {
  exponentialBackoff,
  subscribe,
  type BaseSubscription,
  type EventMeta,
  type StateChange,
  type SubscribeOptions,
  type SwitchlineError,
} from '@switchline/client'
import { vi } from 'vitest'
import type { ServerHandle, ServerInfo } from '../harness/types'
import type { CaseId } from './catalog'

export type { CaseId }

/** One check of a case: one test per server it applies to. */
export interface Check {
  name: string
  /** Default: every server the case applies to. */
  applies?: (server: ServerInfo) => boolean
  run(server: ServerHandle): Promise<void>
}

/** One column of the matrix. */
export interface Case {
  id: CaseId
  applies(server: ServerInfo): boolean
  checks: readonly Check[]
}

/**
 * The connect timeout of the suite (the default is 10 s): short, so a quiet stream outlives it, yet long enough
 * that a loaded 2-core CI machine running both browsers beside the Node matrix never needs it for a healthy answer.
 */
export const CONNECT_TIMEOUT_MS = 1_000
/** How long a quiet-but-healthy server says nothing: 2.5× the connect timeout. */
export const QUIET_MS = 2_500
/** Bounded waits: every wait for something the server or client must do gives up after this long. */
export const WAIT_MS = 8_000

/** Options with loose extras: a user option not in this build's `SubscribeOptions` type is passed on as is. */
export type LooseOptions = Partial<SubscribeOptions<unknown>> & { [option: string]: unknown }

/** The suite's options for `server`: short timeouts and backoff, then what a user of that server sets, then `extra`. */
export function optionsFor(server: ServerHandle, extra: LooseOptions = {}): SubscribeOptions<unknown> {
  return {
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    reconnect: { backoff: exponentialBackoff({ initialDelayMs: 100, maxDelayMs: 200 }) },
    ...server.userOptions,
    ...extra,
  } as SubscribeOptions<unknown>
}

export interface Recording {
  readonly events: Array<{ data: unknown; meta: EventMeta }>
  readonly errors: SwitchlineError[]
  readonly states: StateChange[]
  readonly subscription: BaseSubscription<unknown>
  /** The delivered payloads, in order. */
  data(): unknown[]
  /** How many times the subscription went `reconnecting`. */
  reconnects(): number
  /** The final `closed` change, if the subscription closed. */
  closed(): StateChange | undefined
}

/** Subscribes with `options` and records every event, error and state change. Close it with `subscription.close()`. */
export function record(url: string, options: SubscribeOptions<unknown>): Recording {
  const events: Recording['events'] = []
  const errors: SwitchlineError[] = []
  const states: StateChange[] = []
  const subscription = subscribe<unknown>(url, {
    ...options,
    onEvent: (data, meta) => events.push({ data, meta }),
    onError: (error) => errors.push(error),
    onState: (change) => states.push(change),
  })
  return {
    events,
    errors,
    states,
    subscription,
    data: () => events.map((event) => event.data),
    reconnects: () => states.filter((change) => change.to === 'reconnecting').length,
    closed: () => states.find((change) => change.to === 'closed'),
  }
}

/** Waits until `check` stops throwing (or returns true), at most {@link WAIT_MS}. */
export async function until(check: () => unknown | Promise<unknown>): Promise<void> {
  await vi.waitFor(
    async () => {
      const result = await check()
      if (result === false) throw new Error('not yet')
    },
    { timeout: WAIT_MS, interval: 20 },
  )
}

/** A real pause, for what a case must let happen for a while (a quiet server); never to wait for an outcome. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** `count` distinct payloads tagged `tag`, with non-ASCII text so encodings are exercised. */
export function items(tag: string, count: number): Array<{ seq: string; text: string }> {
  return Array.from({ length: count }, (_, n) => ({ seq: `${tag}${n + 1}`, text: `héllo ✓ «${tag}${n + 1}» 日本` }))
}

/** Whether a `timeout` error was reported (to `onError` or with a state change). */
export function sawTimeout(recording: Recording): boolean {
  return (
    recording.errors.some((error) => error.code === 'timeout') ||
    recording.states.some((change) => change.error?.code === 'timeout')
  )
}

/** Runs `body` with a fresh recording and always closes it. */
export async function withRecording(
  url: string,
  options: SubscribeOptions<unknown>,
  body: (recording: Recording) => Promise<void>,
): Promise<void> {
  const recording = record(url, options)
  try {
    await body(recording)
  } finally {
    recording.subscription.close()
  }
}
