/** A scriptable fake EventSource (structural `EventSourceLike`) that records every instance. */
import type { EventSourceConstructor, EventSourceLike } from '../../src/core/platform-types'

type Listener = (ev: { data: string; lastEventId: string }) => void

export class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = []
  static reset(): void {
    FakeEventSource.instances = []
  }
  /** The most recent source. */
  static get last(): FakeEventSource {
    const source = FakeEventSource.instances.at(-1)
    if (!source) throw new Error('no FakeEventSource created')
    return source
  }

  readyState = 0
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: string; lastEventId: string }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  readonly listeners = new Map<string, Listener[]>()
  closed = false
  private lastEventId = ''

  constructor(
    readonly url: string,
    readonly init?: { withCredentials?: boolean },
  ) {
    FakeEventSource.instances.push(this)
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close(): void {
    this.closed = true
    this.readyState = 2
  }

  // ---- driven by tests (the server side) ----
  open(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  emit(type: string, data: string, id?: string): void {
    if (id !== undefined) this.lastEventId = id
    for (const listener of this.listeners.get(type) ?? []) listener({ data, lastEventId: this.lastEventId })
  }
  fail(ev: unknown = {}, readyState = 0): void {
    this.readyState = readyState
    this.onerror?.(ev)
  }
}

export const FakeEventSourceConstructor = FakeEventSource as unknown as EventSourceConstructor
