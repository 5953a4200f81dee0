/**
 * The app's side of a test server, shared by the server modules: a log of published events with the ids the app
 * gives them, the live listeners (one per open stream), and the records a case reads back. Each server module
 * writes these events with its own library, the way that library's docs show.
 */
import type { LlmRecord, StreamRecord } from './types'

export interface FeedEvent {
  /** The id the app gave the event (its style: a counter, `Date.now()`, …). */
  id: string
  data: unknown
}

export type FeedListener = (events: readonly FeedEvent[]) => void

export interface Feed {
  readonly history: readonly FeedEvent[]
  readonly streams: StreamRecord[]
  readonly llm: LlmRecord[]
  /** Appends one burst to the log and hands it to every listener. */
  publish(items: readonly unknown[]): void
  /**
   * The events after `lastEventId`: the whole log without one; `[]` when the id is unknown (nothing to replay
   * that the app can prove the client missed). With repeated ids (`Date.now()` in a burst) the last match counts.
   */
  after(lastEventId: string | null | undefined): FeedEvent[]
  /** Registers a live stream; returns its unsubscribe function. */
  listen(listener: FeedListener): () => void
  /** The live streams' listeners. */
  readonly listeners: ReadonlySet<FeedListener>
}

/** `nextId` gives each published event its id (default: a counter from 1, as a string). */
export function createFeed(nextId: () => string = counter()): Feed {
  const history: FeedEvent[] = []
  const listeners = new Set<FeedListener>()
  return {
    history,
    streams: [],
    llm: [],
    listeners,
    publish(items) {
      const events = items.map((data) => ({ id: nextId(), data }))
      history.push(...events)
      for (const listener of [...listeners]) listener(events)
    },
    after(lastEventId) {
      if (lastEventId === null || lastEventId === undefined || lastEventId === '') return [...history]
      for (let index = history.length - 1; index >= 0; index--) {
        if (history[index]?.id === lastEventId) return history.slice(index + 1)
      }
      return []
    },
    listen(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/** A counter from 1, as strings: `'1'`, `'2'`, … */
export function counter(): () => string {
  let n = 0
  return () => String(++n)
}
