import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushMicrotasks } from '../../test/support/async'
import { mulberry32 } from '../../test/support/prng'
import { fakePlatform } from '../../test/fakes/platform'
import { exponentialBackoff } from './backoff'
import { SwitchlineError } from './errors'
import { createSupervisor } from './supervisor'
import type { SupervisorOptions } from './supervisor-types'
import type { AttemptContext } from './transport-types'
import type { StateChange } from '../types'

const lost = (message = 'lost'): SwitchlineError => new SwitchlineError('network', message)

function setup(overrides: Partial<SupervisorOptions> = {}) {
  const platform = fakePlatform({ random: mulberry32(7) })
  const attempts: Array<{ ctx: AttemptContext; close: ReturnType<typeof vi.fn> }> = []
  const states: StateChange[] = []
  const backoffCalls: number[] = []
  const backoff = exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 8000 })
  const supervisor = createSupervisor({
    connect(ctx) {
      const close = vi.fn()
      attempts.push({ ctx, close })
      return { close }
    },
    backoff: (attempt, random) => {
      backoffCalls.push(attempt)
      return backoff(attempt, random)
    },
    maxAttempts: Infinity,
    resetAfterMs: 5000,
    pauseWhenHidden: false,
    reconnect: true,
    platform,
    onState: (change) => states.push(change),
    ...overrides,
  })
  const last = () => attempts[attempts.length - 1]!
  return { platform, attempts, states, supervisor, backoffCalls, last }
}

describe('createSupervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('connects, opens, and emits each state change once as { from, to }', async () => {
    const { supervisor, attempts, states, last } = setup()
    expect(supervisor.state).toBe('connecting')
    supervisor.start()
    supervisor.start()
    expect(attempts).toHaveLength(1)
    expect(last().ctx.attempt).toBe(0)
    last().ctx.opened()
    last().ctx.opened()
    expect(states).toEqual([{ from: 'connecting', to: 'open' }])
    supervisor.stop('bye')
    expect(states[1]).toEqual({ from: 'open', to: 'closed', reason: 'bye' })
    await flushMicrotasks(5)
    expect(last().close).toHaveBeenCalled()
  })

  it('waits backoff(n − 1, random) before retry n, with attempt and delayMs in the change', async () => {
    const { supervisor, attempts, states, backoffCalls, last } = setup()
    const expected = exponentialBackoff({ initialDelayMs: 1000, maxDelayMs: 8000 })
    const random = mulberry32(7)
    supervisor.start()
    await flushMicrotasks(5)
    for (let n = 1; n <= 5; n++) {
      last().ctx.failed(lost())
      const change = states[states.length - 1]!
      const delay = Math.round(expected(n - 1, random))
      expect(change).toMatchObject({ from: 'connecting', to: 'reconnecting', attempt: n, delayMs: delay })
      expect(change.error?.message).toBe('lost')
      await vi.advanceTimersByTimeAsync(Math.max(0, delay - 1))
      expect(attempts).toHaveLength(n)
      await vi.advanceTimersByTimeAsync(1)
      expect(attempts).toHaveLength(n + 1)
      expect(last().ctx.attempt).toBe(n)
      expect(states[states.length - 1]).toMatchObject({ from: 'reconnecting', to: 'connecting' })
    }
    expect(backoffCalls).toEqual([0, 1, 2, 3, 4])
    supervisor.stop()
  })

  it('the larger of the minDelay hint and retryAfterMs floors the jitter range (supervisor-hints.test.ts has more)', async () => {
    const { supervisor, states, last } = setup({ backoff: () => 100, platform: fakePlatform({ random: () => 0.25 }) })
    supervisor.start()
    last().ctx.minDelay(3000)
    last().ctx.failed(lost())
    expect(states.at(-1)?.delayMs).toBe(3000 + 100 + 0.25 * 3000)
    await vi.advanceTimersByTimeAsync(3850)
    last().ctx.failed(new SwitchlineError('http_status', '503', { retryAfterMs: 7000 }))
    expect(states.at(-1)?.delayMs).toBe(7000 + 100 + 0.25 * 7000)
    await vi.advanceTimersByTimeAsync(8850)
    last().ctx.failed(lost())
    expect(states.at(-1)?.delayMs).toBe(3850) // the retry: hint persists across attempts
    supervisor.stop()
  })

  it('ignores callbacks from an attempt that is no longer current', async () => {
    const { supervisor, attempts, states, last } = setup({ backoff: () => 10 })
    supervisor.start()
    const first = last()
    first.ctx.failed(lost())
    await vi.advanceTimersByTimeAsync(10)
    expect(attempts).toHaveLength(2)
    const count = states.length
    first.ctx.opened()
    first.ctx.failed(lost('stale'))
    first.ctx.minDelay(99_999)
    expect(states).toHaveLength(count)
    last().ctx.opened()
    expect(supervisor.state).toBe('open')
    supervisor.stop()
  })

  it('resets the attempt count after a healthy period', async () => {
    const backoffCalls: number[] = []
    const backoff = (attempt: number): number => (backoffCalls.push(attempt), 10)
    const { supervisor, last } = setup({ backoff })
    supervisor.start()
    last().ctx.failed(lost())
    await vi.advanceTimersByTimeAsync(10)
    last().ctx.failed(lost())
    await vi.advanceTimersByTimeAsync(10)
    last().ctx.opened()
    await vi.advanceTimersByTimeAsync(4999)
    last().ctx.failed(lost()) // not healthy long enough: counts on
    await vi.advanceTimersByTimeAsync(10)
    expect(last().ctx.attempt).toBe(3)
    last().ctx.opened()
    await vi.advanceTimersByTimeAsync(5000)
    last().ctx.failed(lost())
    expect(backoffCalls).toEqual([0, 1, 2, 0])
    await vi.advanceTimersByTimeAsync(10)
    expect(last().ctx.attempt).toBe(1)
    supervisor.stop()
  })

  it('closes with max_attempts after maxAttempts consecutive failures', async () => {
    const { supervisor, attempts, states, last } = setup({ backoff: () => 10, maxAttempts: 3 })
    supervisor.start()
    for (let i = 0; i < 3; i++) {
      last().ctx.failed(lost())
      await vi.advanceTimersByTimeAsync(10)
    }
    expect(attempts).toHaveLength(3)
    expect(supervisor.state).toBe('closed')
    const closed = states.at(-1)!
    expect(closed.to).toBe('closed')
    expect(closed.error?.code).toBe('max_attempts')
    expect(closed.error?.cause).toBeInstanceOf(SwitchlineError)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops on a fatal error, and on the first failure with reconnect: false', async () => {
    const fatal = setup()
    fatal.supervisor.start()
    const error = new SwitchlineError('http_status', '204', { fatal: true, status: 204 })
    fatal.last().ctx.failed(error)
    expect(fatal.states.at(-1)).toEqual({ from: 'connecting', to: 'closed', reason: 'fatal error', error })
    await flushMicrotasks(5)
    expect(fatal.last().close).toHaveBeenCalled()

    const once = setup({ reconnect: false })
    once.supervisor.start()
    once.last().ctx.opened()
    once.last().ctx.failed(lost())
    expect(once.states.at(-1)).toMatchObject({ from: 'open', to: 'closed', reason: 'reconnect disabled' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('retries an unauthorized failure at once the first time, then with backoff', async () => {
    const { supervisor, attempts, states, last } = setup({ backoff: () => 500 })
    supervisor.start()
    const unauthorized = (): SwitchlineError => new SwitchlineError('unauthorized', '401', { status: 401 })
    last().ctx.failed(unauthorized())
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', delayMs: 0 })
    await vi.advanceTimersByTimeAsync(0)
    expect(attempts).toHaveLength(2)
    last().ctx.failed(unauthorized())
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', delayMs: 500 })
    await vi.advanceTimersByTimeAsync(500)
    last().ctx.opened() // a success re-arms the immediate retry
    last().ctx.failed(unauthorized())
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', delayMs: 0 })
    supervisor.stop()
  })

  it('makes no attempt while offline and one at once on online', async () => {
    const { supervisor, attempts, states, platform, last } = setup({ backoff: () => 10_000 })
    platform.online.value = false
    supervisor.start()
    expect(attempts).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
    platform.online.set(true)
    expect(attempts).toHaveLength(1)
    last().ctx.opened()
    platform.online.set(false) // the open connection is left to fail on its own
    last().ctx.failed(lost())
    expect(states.at(-1)).toMatchObject({ from: 'open', to: 'reconnecting', reason: 'offline' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(attempts).toHaveLength(1)
    platform.online.set(true)
    expect(attempts).toHaveLength(2)
    expect(states.at(-1)).toMatchObject({ from: 'reconnecting', to: 'connecting', reason: 'online' })
    // online during a backoff wait skips the wait; offline during one cancels the timer
    last().ctx.failed(lost())
    expect(vi.getTimerCount()).toBe(1)
    platform.online.set(false)
    expect(vi.getTimerCount()).toBe(0)
    platform.online.set(true)
    expect(attempts).toHaveLength(3)
    supervisor.stop()
  })

  it('with pauseWhenHidden, waits while hidden and connects when visible', async () => {
    const { supervisor, attempts, states, platform, last } = setup({ backoff: () => 10, pauseWhenHidden: true })
    supervisor.start()
    last().ctx.opened()
    platform.visibility.set(false)
    last().ctx.failed(lost())
    expect(states.at(-1)).toMatchObject({ to: 'reconnecting', reason: 'hidden' })
    await vi.advanceTimersByTimeAsync(1000)
    expect(attempts).toHaveLength(1)
    platform.visibility.set(true)
    expect(attempts).toHaveLength(2)
    supervisor.stop()
    expect(platform.visibility.listeners).toBe(0)

    const ignoring = setup({ backoff: () => 10 })
    ignoring.supervisor.start()
    expect(ignoring.platform.visibility.listeners).toBe(0)
    ignoring.platform.visibility.set(false)
    ignoring.last().ctx.failed(lost())
    await vi.advanceTimersByTimeAsync(10)
    expect(ignoring.attempts).toHaveLength(2)
    ignoring.supervisor.stop()
  })

  it('restart drops the current attempt and connects now', async () => {
    const { supervisor, attempts, states, last } = setup({ backoff: () => 1000 })
    supervisor.start()
    const first = last()
    first.ctx.opened()
    supervisor.restart('channels changed')
    await flushMicrotasks(5)
    expect(first.close).toHaveBeenCalled()
    expect(attempts).toHaveLength(2)
    expect(states.at(-1)).toEqual({ from: 'open', to: 'connecting', reason: 'channels changed' })
    last().ctx.failed(lost())
    supervisor.restart('again') // skips the backoff wait
    expect(attempts).toHaveLength(3)
    expect(vi.getTimerCount()).toBe(0)
    supervisor.stop()
    supervisor.restart('after stop')
    expect(attempts).toHaveLength(3)
  })

  it('closes a handle that resolves after its attempt was dropped, and maps connect errors', async () => {
    const close = vi.fn()
    let ctxs: AttemptContext[] = []
    const { supervisor, states } = setup({
      backoff: () => 10,
      connect(ctx) {
        ctxs.push(ctx)
        if (ctxs.length === 1) return Promise.resolve({ close })
        if (ctxs.length === 2) throw new Error('boom')
        return Promise.reject(new SwitchlineError('invalid_options', 'bad', { fatal: true }))
      },
    })
    supervisor.start()
    ctxs[0]!.failed(lost())
    await flushMicrotasks(5)
    expect(close).toHaveBeenCalledOnce()
    await vi.advanceTimersByTimeAsync(10)
    expect(states.at(-1)).toMatchObject({
      to: 'reconnecting',
      error: { code: 'network', message: 'connect failed: boom' },
    })
    await vi.advanceTimersByTimeAsync(10)
    await flushMicrotasks(5)
    expect(states.at(-1)).toMatchObject({ to: 'closed', error: { code: 'invalid_options' } })
    ctxs = []
  })

  it('stop leaves no timer and no listener, and is idempotent', async () => {
    const { supervisor, platform, states, last } = setup({ pauseWhenHidden: true })
    supervisor.start()
    expect(platform.online.listeners).toBe(1)
    expect(platform.visibility.listeners).toBe(1)
    last().ctx.opened() // reset timer pending
    last().ctx.failed(lost()) // backoff timer pending
    expect(vi.getTimerCount()).toBe(1)
    supervisor.stop()
    supervisor.stop()
    expect(vi.getTimerCount()).toBe(0)
    expect(platform.online.listeners).toBe(0)
    expect(platform.visibility.listeners).toBe(0)
    expect(states.filter((s) => s.to === 'closed')).toHaveLength(1)
    platform.online.set(true)
    expect(supervisor.state).toBe('closed')
  })
})
