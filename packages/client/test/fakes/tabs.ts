/**
 * Fake browser pieces for tab sharing: one origin's Web Locks (FIFO queue per name, like `navigator.locks`) and
 * `BroadcastChannel`s that deliver asynchronously to every other open channel of the same name, never to the
 * sender (a microtask later). A tab can be "killed": its channels go deaf and mute at once and the locks it holds or
 * waits for are let go, as when the browser closes it or its process crashes (no `pagehide`, no `bye`).
 */
import type { BroadcastChannelLike, LockManagerLike, TabsPlatform } from '../../src/tabs/tab-platform'

interface Waiting {
  callback: (lock: unknown) => Promise<void>
  resolve(value: unknown): void
  reject(error: unknown): void
  signal: AbortSignal | undefined
}

/** One origin: its locks and its broadcast channels. */
export interface FakeOrigin {
  /** The platform of one tab (its channels are killed together). */
  tab(): { platform: Partial<TabsPlatform>; kill(): void; messages: unknown[] }
  /** Who holds the lock `name`, by the order of the `tab()` call that got it (`undefined`: nobody). */
  holders(name: string): number
  /** Every message posted on any channel, in order. */
  readonly posted: unknown[]
}

export function createFakeOrigin(): FakeOrigin {
  const held = new Map<string, Waiting>()
  const queues = new Map<string, Waiting[]>()
  const open = new Set<{ name: string; instance: BroadcastChannelLike; alive: () => boolean }>()
  const posted: unknown[] = []

  function grant(name: string): void {
    if (held.has(name)) return
    const next = queues.get(name)?.shift()
    if (!next) return
    held.set(name, next)
    next.callback({ name }).then(
      (value) => {
        next.resolve(value)
        release(name, next)
      },
      (error: unknown) => {
        next.reject(error)
        release(name, next)
      },
    )
  }
  /** Ends `waiting`'s hold of `name` (once: a killed tab's lock is released before its callback settles). */
  function release(name: string, waiting: Waiting): void {
    if (held.get(name) !== waiting) return
    held.delete(name)
    grant(name)
  }

  /** The locks of one tab; `owned` collects its requests, so killing the tab lets go of them. */
  const locksOf = (owned: { name: string; waiting: Waiting }[], dead: () => boolean): LockManagerLike => ({
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        if (dead()) return // a dead tab's promises never settle
        const { signal } = options
        if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'))
        const waiting: Waiting = { callback, resolve, reject, signal }
        owned.push({ name, waiting })
        const queue = queues.get(name) ?? []
        queues.set(name, queue)
        queue.push(waiting)
        signal?.addEventListener('abort', () => {
          const at = queue.indexOf(waiting)
          if (at === -1) return // granted: aborting no longer matters
          queue.splice(at, 1)
          reject(new DOMException('aborted', 'AbortError'))
        })
        grant(name)
      })
    },
  })

  return {
    posted,
    holders: (name) => (held.has(name) ? 1 : 0),
    tab() {
      let dead = false
      const messages: unknown[] = []
      const owned: { name: string; waiting: Waiting }[] = []
      const locks = locksOf(owned, () => dead)
      class FakeBroadcastChannel implements BroadcastChannelLike {
        onmessage: ((event: { data: unknown }) => void) | null = null
        private closed = false
        constructor(readonly name: string) {
          open.add({ name, instance: this, alive: () => !dead && !this.closed })
        }
        postMessage(message: unknown): void {
          if (this.closed) throw new DOMException('closed', 'InvalidStateError')
          if (dead) return
          posted.push(message)
          const data = structuredClone(message)
          for (const other of open) {
            if (other.instance === this || other.name !== this.name) continue
            // A microtask, not a timer: the tests' timer counts are the client's alone.
            queueMicrotask(() => {
              if (other.alive()) other.instance.onmessage?.({ data: structuredClone(data) })
            })
          }
        }
        close(): void {
          this.closed = true
          for (const entry of open) if (entry.instance === this) open.delete(entry)
        }
      }
      return {
        messages,
        platform: { locks, BroadcastChannel: FakeBroadcastChannel, lifecycle: undefined },
        kill() {
          dead = true
          for (const { name, waiting } of owned.splice(0)) {
            const queue = queues.get(name) ?? []
            if (queue.includes(waiting)) queue.splice(queue.indexOf(waiting), 1)
            else release(name, waiting)
          }
        },
      }
    },
  }
}
