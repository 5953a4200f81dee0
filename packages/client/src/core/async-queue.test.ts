import { describe, expect, it, vi } from 'vitest'
import { collect, flushMicrotasks, settle } from '../../test/support/async'
import { mulberry32, randomInt } from '../../test/support/prng'
import { expectCode } from '../../test/support/thrown'
import { createAsyncQueue, type OverflowPolicy } from './async-queue'
import { isSwitchlineError } from './errors'

describe('createAsyncQueue: delivery', () => {
  it('yields pushed values in order, then ends', async () => {
    const q = createAsyncQueue<number>()
    q.push(1)
    q.push(2)
    expect(q.size).toBe(2)
    q.push(3)
    q.end()
    expect(await collect(q.iterator())).toEqual([1, 2, 3])
    expect(q.size).toBe(0)
  })

  it('resolves pending next() calls in order as values arrive', async () => {
    const q = createAsyncQueue<string>()
    const it = q.iterator()
    const a = it.next()
    const b = it.next()
    const c = it.next()
    q.push('a')
    q.push('b')
    expect(q.size).toBe(0) // handed straight to the waiting next() calls
    q.end()
    expect(await Promise.all([a, b, c])).toEqual([
      { done: false, value: 'a' },
      { done: false, value: 'b' },
      { done: true, value: undefined },
    ])
  })

  it('works with for await while values trickle in', async () => {
    const q = createAsyncQueue<number>()
    const result = collect(q.iterator())
    for (let i = 0; i < 5; i++) {
      q.push(i)
      await flushMicrotasks()
    }
    q.end()
    expect(await result).toEqual([0, 1, 2, 3, 4])
  })

  it('stays done after the end', async () => {
    const q = createAsyncQueue<number>()
    q.end()
    const it = q.iterator()
    expect(await it.next()).toEqual({ done: true, value: undefined })
    expect(await it.next()).toEqual({ done: true, value: undefined })
    q.push(1)
    expect(q.size).toBe(0)
    expect(await it.next()).toEqual({ done: true, value: undefined })
  })

  it('is its own async iterable', () => {
    const it = createAsyncQueue<number>().iterator()
    expect(it[Symbol.asyncIterator]()).toBe(it)
  })

  it('allows only one iterator', () => {
    const q = createAsyncQueue<number>()
    q.iterator()
    expectCode(() => q.iterator(), 'invalid_options')
  })
})

describe('createAsyncQueue: fail', () => {
  it('drains buffered values, then throws the error once, then is done', async () => {
    const q = createAsyncQueue<number>()
    const boom = new Error('boom')
    q.push(1)
    q.push(2)
    q.fail(boom)
    q.push(3) // ignored
    const it = q.iterator()
    expect(await it.next()).toEqual({ done: false, value: 1 })
    expect(await it.next()).toEqual({ done: false, value: 2 })
    await expect(it.next()).rejects.toBe(boom)
    expect(await it.next()).toEqual({ done: true, value: undefined })
  })

  it('rejects the first pending next() and ends the others', async () => {
    const q = createAsyncQueue<number>()
    const it = q.iterator()
    const pending = [it.next(), it.next(), it.next()].map(settle)
    q.fail('reason')
    expect(await Promise.all(pending)).toEqual([
      { status: 'rejected', reason: 'reason' },
      { status: 'fulfilled', value: { done: true, value: undefined } },
      { status: 'fulfilled', value: { done: true, value: undefined } },
    ])
  })

  it('makes for await throw', async () => {
    const q = createAsyncQueue<number>()
    q.push(1)
    q.fail(new Error('x'))
    const seen: number[] = []
    await expect(
      (async () => {
        for await (const v of q.iterator()) seen.push(v)
      })(),
    ).rejects.toThrow('x')
    expect(seen).toEqual([1])
  })

  it('the first of end() and fail() wins', async () => {
    const a = createAsyncQueue<number>()
    a.end()
    a.fail(new Error('late'))
    expect(await collect(a.iterator())).toEqual([])
    const b = createAsyncQueue<number>()
    b.fail('first')
    b.fail('second')
    b.end()
    expect(await settle(b.iterator().next())).toEqual({ status: 'rejected', reason: 'first' })
  })

  it('fails with undefined as given', async () => {
    const q = createAsyncQueue<number>()
    q.fail(undefined)
    expect(await settle(q.iterator().next())).toEqual({ status: 'rejected', reason: undefined })
  })
})

describe('createAsyncQueue: return', () => {
  it('break calls onReturn once and ends the queue', async () => {
    const onReturn = vi.fn()
    const q = createAsyncQueue<number>({ onReturn })
    q.push(1)
    q.push(2)
    q.push(3)
    const seen: number[] = []
    for await (const v of q.iterator()) {
      seen.push(v)
      if (v === 2) break
    }
    expect(seen).toEqual([1, 2])
    expect(onReturn).toHaveBeenCalledTimes(1)
    expect(q.size).toBe(0)
    q.push(4)
    expect(q.size).toBe(0)
  })

  it('a throw in the loop body calls onReturn', async () => {
    const onReturn = vi.fn()
    const q = createAsyncQueue<number>({ onReturn })
    q.push(1)
    await expect(
      (async () => {
        for await (const _ of q.iterator()) throw new Error('body')
      })(),
    ).rejects.toThrow('body')
    expect(onReturn).toHaveBeenCalledTimes(1)
  })

  it('return() resolves pending next() calls as done; repeated return() calls onReturn once', async () => {
    const onReturn = vi.fn()
    const q = createAsyncQueue<number>({ onReturn })
    const it = q.iterator()
    const pending = it.next()
    expect(await it.return!()).toEqual({ done: true, value: undefined })
    expect(await pending).toEqual({ done: true, value: undefined })
    await it.return!()
    expect(onReturn).toHaveBeenCalledTimes(1)
    expect(await it.next()).toEqual({ done: true, value: undefined })
  })

  it('throw() stops like return() and rejects with the error', async () => {
    const onReturn = vi.fn()
    const q = createAsyncQueue<number>({ onReturn })
    q.push(1)
    const it = q.iterator()
    await expect(it.throw!(new Error('t'))).rejects.toThrow('t')
    expect(onReturn).toHaveBeenCalledTimes(1)
    expect(await it.next()).toEqual({ done: true, value: undefined })
  })

  it('onReturn is not called once the iterator finished by itself', async () => {
    const onReturn = vi.fn()
    const q = createAsyncQueue<number>({ onReturn })
    q.push(1)
    q.end()
    const it = q.iterator()
    await collect(it)
    await it.return!()
    expect(onReturn).not.toHaveBeenCalled()

    const failed = createAsyncQueue<number>({ onReturn })
    failed.fail(new Error('x'))
    const fit = failed.iterator()
    await settle(fit.next())
    await fit.return!()
    expect(onReturn).not.toHaveBeenCalled()
  })

  it('end() and fail() after return() change nothing', async () => {
    const q = createAsyncQueue<number>()
    const it = q.iterator()
    await it.return!()
    q.fail(new Error('late'))
    q.end()
    expect(await it.next()).toEqual({ done: true, value: undefined })
  })
})

describe('createAsyncQueue: overflow', () => {
  it("'error' (default): yields what is buffered, then throws buffer_overflow; later pushes are ignored", async () => {
    const onOverflow = vi.fn()
    const q = createAsyncQueue<number>({ maxSize: 3, onOverflow })
    for (let i = 1; i <= 5; i++) q.push(i)
    expect(q.size).toBe(3)
    expect(onOverflow).toHaveBeenCalledTimes(1)
    expect(isSwitchlineError(onOverflow.mock.calls[0]![0], 'buffer_overflow')).toBe(true)
    const seen: number[] = []
    const outcome = await settle(
      (async () => {
        for await (const v of q.iterator()) seen.push(v)
      })(),
    )
    expect(seen).toEqual([1, 2, 3])
    expect(outcome.status).toBe('rejected')
    if (outcome.status === 'rejected') {
      expect(isSwitchlineError(outcome.reason, 'buffer_overflow')).toBe(true)
      expect(outcome.reason).toBe(onOverflow.mock.calls[0]![0])
    }
  })

  it("'drop-newest' keeps the oldest values and reports drops", async () => {
    const onDrop = vi.fn()
    const q = createAsyncQueue<number>({ maxSize: 2, overflow: 'drop-newest', onDrop })
    for (let i = 1; i <= 5; i++) q.push(i)
    q.end()
    expect(await collect(q.iterator())).toEqual([1, 2])
    expect(onDrop).toHaveBeenCalledTimes(3)
    expect(onDrop).toHaveBeenCalledWith(1)
  })

  it("'drop-oldest' keeps the newest values and reports drops", async () => {
    const onDrop = vi.fn()
    const q = createAsyncQueue<number>({ maxSize: 2, overflow: 'drop-oldest', onDrop })
    for (let i = 1; i <= 5; i++) q.push(i)
    q.end()
    expect(await collect(q.iterator())).toEqual([4, 5])
    expect(onDrop.mock.calls).toEqual([[1], [1], [1]])
  })

  it('values handed to a waiting consumer never count toward maxSize', async () => {
    const q = createAsyncQueue<number>({ maxSize: 1 })
    const it = q.iterator()
    for (let i = 0; i < 100; i++) {
      const next = it.next()
      q.push(i)
      expect(await next).toEqual({ done: false, value: i })
    }
  })

  it('defaults to 1000', async () => {
    const q = createAsyncQueue<number>()
    for (let i = 0; i < 1001; i++) q.push(i)
    expect(q.size).toBe(1000)
    const outcome = await settle(collect(q.iterator()))
    expect(outcome.status).toBe('rejected')
  })

  it('maxSize Infinity never overflows', async () => {
    const q = createAsyncQueue<number>({ maxSize: Number.POSITIVE_INFINITY })
    for (let i = 0; i < 10_000; i++) q.push(i)
    q.end()
    expect((await collect(q.iterator())).length).toBe(10_000)
  })

  it('rejects bad options', () => {
    const bad = [
      { maxSize: 0 },
      { maxSize: -1 },
      { maxSize: 1.5 },
      { maxSize: Number.NaN },
      { overflow: 'drop' as OverflowPolicy },
    ]
    for (const options of bad) {
      expectCode(() => createAsyncQueue(options), 'invalid_options', JSON.stringify(options))
    }
  })
})

describe('createAsyncQueue: model check (seeded)', () => {
  for (const overflow of ['drop-oldest', 'drop-newest'] as const) {
    it(`${overflow}: delivered + dropped = pushed, order kept`, async () => {
      const random = mulberry32(overflow.length)
      let dropped = 0
      const q = createAsyncQueue<number>({ maxSize: 8, overflow, onDrop: (n) => (dropped += n) })
      const it = q.iterator()
      const delivered: number[] = []
      const reads: Array<Promise<unknown>> = []
      let pushed = 0
      for (let step = 0; step < 3000; step++) {
        if (random() < 0.55) q.push(pushed++)
        else
          reads.push(
            it.next().then((result) => {
              if (!result.done) delivered.push(result.value)
            }),
          )
        if (randomInt(random, 0, 5) === 0) await flushMicrotasks()
      }
      q.end()
      await Promise.all(reads)
      delivered.push(...(await collect(it)))
      expect(dropped).toBeGreaterThan(0)
      expect(delivered.length + dropped).toBe(pushed)
      for (let i = 1; i < delivered.length; i++) expect(delivered[i]!).toBeGreaterThan(delivered[i - 1]!)
    })
  }
})
