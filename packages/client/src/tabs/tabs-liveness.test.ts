/**
 * A tab that goes away without `bye` (crash, kill, discard) is forgotten by the leader when the browser releases the
 * tab's own lock; a live tab — however long it stays quiet — never is; a tab forgotten while alive is admitted
 * again and resumes from its cursor (docs/decisions/0029-forgetting-vanished-tabs.md). Fake timers and locks.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createFakeOrigin } from '../../test/fakes/tabs'
import { createLeader, type TabLiveness } from './leader'
import type { TabMessage } from './messages'
import type { LockManagerLike } from './tab-platform'
import { createTabsClient } from './tabs-client'

type Schema = { chat: { receive: { text: string }; send: { text: string } } }
const URL_ = 'http://127.0.0.1:9/rt'
const hang = (): Promise<Response> => new Promise(() => undefined)
type Origin = ReturnType<typeof createFakeOrigin>
const tab = (origin: Origin, platform = origin.tab().platform) =>
  createTabsClient<Schema>({
    url: URL_,
    publishTimeoutMs: 0,
    platform: { fetch: hang },
    tabs: { name: 'g', platform, settleMs: 10 },
  })
const sent = (origin: Origin, t: string) => origin.posted.filter((m) => (m as { t: string }).t === t) as TabMessage[]
const probesTo = (origin: Origin, to: string) =>
  sent(origin, 'leader').filter((m) => (m as { to?: string }).to === to).length

/** A leader engine over a fake client that records what it opens and closes, and a liveness the test drives. */
function engine() {
  const log: string[] = []
  const client = {
    subscribe(name: string, options: { key?: string; lastEventId?: string }) {
      const ch = options.key === undefined ? name : `${name}:${options.key}`
      log.push(`open ${ch}${options.lastEventId !== undefined ? ` from ${options.lastEventId}` : ''}`)
      return { close: () => void log.push(`close ${ch}`) }
    },
    close() {},
    reprobeAt: undefined,
  }
  const gone = new Map<string, () => void>()
  const liveness: TabLiveness = {
    self: 'me',
    watch(t, onGone) {
      log.push(`watch ${t}`)
      gone.set(t, onGone)
      return () => void (gone.delete(t) && log.push(`unwatch ${t}`))
    },
  }
  const emitted: TabMessage[] = []
  const leader = createLeader(
    () => client as never,
    { publish: () => new Promise(() => undefined) } as never,
    (message) => void emitted.push(message),
    liveness,
  )
  return { leader, log, emitted, gone }
}

describe('createLeader: tabs that vanish', () => {
  it('a tab whose lock is released is forgotten: the channels only it wanted stop, the shared ones stay', () => {
    const { leader, log, emitted, gone } = engine()
    leader.handle({ t: 'sub', from: 'me', ch: 'chat:a' })
    leader.handle({ t: 'sub', from: 't1', ch: 'chat:a' })
    leader.handle({ t: 'sub', from: 't1', ch: 'chat:b', cursor: '0-5' })
    leader.start()
    expect(log).toEqual(['watch t1', 'open chat:a', 'open chat:b from 0-5']) // its own tab is not watched
    emitted.length = 0
    gone.get('t1')!()
    expect(log.slice(3)).toEqual(['close chat:b'])
    // Asked to re-send its channels, in case it is alive after all.
    expect(emitted).toEqual([{ t: 'leader', from: 'me', to: 't1' }])
    // It answers: admitted again, watched again, its channel resumed from its cursor.
    leader.handle({ t: 'sub', from: 't1', ch: 'chat:b', cursor: '0-9' })
    expect(log.slice(4)).toEqual(['watch t1', 'open chat:b from 0-9'])
    leader.close()
    expect(log.at(-1)).toBe('unwatch t1') // close() stops every watch
  })

  it('bye stops the watch; a watch that fires late (stale) is a no-op', () => {
    const { leader, log, emitted, gone } = engine()
    leader.handle({ t: 'send', from: 't2', mid: 'm1', ch: 'chat:a', data: 1 })
    leader.handle({ t: 'sub', from: 't2', ch: 'chat:a' })
    leader.start()
    const stale = gone.get('t2')!
    leader.handle({ t: 'bye', from: 't2' })
    expect(log).toEqual(['watch t2', 'open chat:a', 'unwatch t2', 'close chat:a'])
    emitted.length = 0
    stale()
    expect(emitted).toEqual([])
    leader.close()
  })
})

describe('createTabsClient: tabs that vanish (fake timers and locks)', () => {
  beforeEach(() => void vi.useFakeTimers())
  afterEach(() => void vi.useRealTimers())

  it('each tab holds its own lock; a follower killed without bye is forgotten at once, a quiet live one never', async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    const quietTab = tab(origin)
    const doomedTab = origin.tab()
    const doomed = tab(origin, doomedTab.platform)
    await vi.advanceTimersByTimeAsync(0)
    expect([leader.role, quietTab.role, doomed.role]).toEqual(['leader', 'follower', 'follower'])
    quietTab.subscribe('chat', { key: 'a' })
    doomed.subscribe('chat', { key: 'b' })
    await vi.advanceTimersByTimeAsync(20)
    const [, quietId, doomedId] = (sent(origin, 'hello') as { from: string }[]).map((m) => m.from)
    const lockName = (id: string | undefined) => `switchline-tabs/1:g#${id}`
    expect(origin.holders(lockName(doomedId))).toBe(1)
    const answered = probesTo(origin, doomedId!) // the answer to its hello

    doomedTab.kill() // no pagehide, no bye: the browser releases its locks
    await vi.advanceTimersByTimeAsync(0)
    expect(sent(origin, 'bye')).toEqual([])
    expect(probesTo(origin, doomedId!)).toBe(answered + 1)
    expect(origin.holders(lockName(doomedId))).toBe(0) // the leader let go at once

    // A live tab that says nothing for an hour (a background tab's timers throttled to a minute) is kept.
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(probesTo(origin, quietId!)).toBe(1) // the answer to its hello, nothing since
    expect(origin.holders(lockName(quietId))).toBe(1)

    quietTab.close()
    leader.close()
    doomed.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(origin.holders(lockName(quietId))).toBe(0) // close() lets go of the tab's own lock
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a live tab whose lock was lost is asked, takes its lock again and re-sends its channels with its cursor', async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    const shaky = origin.tab()
    const real = shaky.platform.locks!
    let loseNow = (): void => undefined
    let first = true
    // Its first hold of its own lock can be ended by the test (as if stolen): the leader finds the lock free.
    const locks: LockManagerLike = {
      request(name, options, callback) {
        if (!name.includes('#') || !first) return real.request(name, options, callback)
        first = false
        return real.request(name, options, (lock) => {
          const lost = new Promise<void>((resolve) => void (loseNow = resolve))
          return Promise.race([callback(lock), lost])
        })
      },
    }
    const follower = tab(origin, { ...shaky.platform, locks })
    await vi.advanceTimersByTimeAsync(0)
    follower.subscribe('chat', { key: 'a' })
    await vi.advanceTimersByTimeAsync(20)
    const id = (sent(origin, 'hello') as { from: string }[])[1]!.from
    const lock = `switchline-tabs/1:g#${id}`
    const subs = () => (sent(origin, 'sub') as { from: string }[]).filter((m) => m.from === id).length
    const [probes, subscribed] = [probesTo(origin, id), subs()]
    expect(origin.holders(lock)).toBe(1)
    loseNow()
    await vi.advanceTimersByTimeAsync(0)
    expect(probesTo(origin, id)).toBeGreaterThan(probes) // asked: are you there?
    expect(subs()).toBeGreaterThan(subscribed) // yes: its channel again, with its cursor
    expect(origin.holders(lock)).toBe(1) // held again, so the leader watches quietly from here on
    const settled = [probesTo(origin, id), subs()]
    await vi.advanceTimersByTimeAsync(600_000)
    expect([probesTo(origin, id), subs()]).toEqual(settled)
    follower.close()
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a tab speaks to the leader only once it holds its own lock (granted late): then hello, and all it wants', async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    await vi.advanceTimersByTimeAsync(20)
    const slow = origin.tab()
    const real = slow.platform.locks!
    let grantNow = (): void => undefined
    // Its own lock request reaches the lock manager late (as a new page's first one does in Chromium).
    const locks: LockManagerLike = {
      request(name, options, callback) {
        if (!name.includes('#')) return real.request(name, options, callback)
        return new Promise((resolve, reject) => {
          grantNow = () => void real.request(name, options, callback).then(resolve, reject)
        })
      },
    }
    const before = origin.posted.length
    const follower = tab(origin, { ...slow.platform, locks })
    const sub = follower.subscribe('chat', { key: 'a' })
    const sent = sub.send({ text: 'early' })
    await vi.advanceTimersByTimeAsync(50)
    expect(origin.posted.slice(before)).toEqual([])
    grantNow()
    await vi.advanceTimersByTimeAsync(0)
    const id = (origin.posted.slice(before).find((m) => (m as { t: string }).t === 'hello') as { from: string }).from
    const mine = origin.posted.filter((m) => (m as { from?: string }).from === id).map((m) => (m as { t: string }).t)
    expect(mine).toEqual(['hello', 'sub', 'send']) // the leader's answer to hello brought the rest
    expect(probesTo(origin, id)).toBe(1) // that answer only: its lock was never found free
    follower.close()
    await expect(sent).rejects.toMatchObject({ code: 'closed' })
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('pagehide says bye and lets go of the lock; pageshow from the back/forward cache takes it again', async () => {
    const origin = createFakeOrigin()
    const leader = tab(origin)
    const listeners = new Map<string, (event: { persisted?: boolean }) => void>()
    const lifecycle = {
      addEventListener: (type: string, fn: (event: { persisted?: boolean }) => void) => void listeners.set(type, fn),
      removeEventListener: (type: string) => void listeners.delete(type),
    }
    const follower = tab(origin, { ...origin.tab().platform, lifecycle })
    await vi.advanceTimersByTimeAsync(0)
    follower.subscribe('chat', { key: 'a' })
    await vi.advanceTimersByTimeAsync(20)
    const id = (sent(origin, 'hello') as { from: string }[])[1]!.from
    const lock = `switchline-tabs/1:g#${id}`
    listeners.get('pagehide')!({ persisted: true })
    await vi.advanceTimersByTimeAsync(0)
    expect(origin.holders(lock)).toBe(0)
    // Its bye and its lock's release race: the leader may also have asked it (no answer from a hidden page).
    const asked = probesTo(origin, id)
    listeners.get('pageshow')!({ persisted: true })
    await vi.advanceTimersByTimeAsync(0)
    expect(origin.holders(lock)).toBe(1)
    expect(probesTo(origin, id)).toBe(asked + 1) // the answer to its hello: it re-sends its channels
    follower.close()
    leader.close()
    expect(listeners.size).toBe(0)
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
