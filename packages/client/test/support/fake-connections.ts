/**
 * An in-memory fetch to inject as a platform: SSE responses and publish answers the test drives. No sockets, no
 * timers of its own. (The scripted WebSocket is `FakeWebSocket` in `test/fakes/websocket`.)
 */
import type { WebSocketConstructor } from '../../src/core/platform-types'
import type { ClientOptions } from '../../src/types'
import { FakeWebSocket } from '../fakes/websocket'
import { mulberry32 } from './prng'

/** One SSE response the test writes to. */
export interface FakeStream {
  url: URL
  init: RequestInit | undefined
  headers: Record<string, string>
  push(text: string): void
  /** Writes one SSE event. */
  event(fields: { event?: string; id?: string; data: unknown }): void
  end(): void
  readonly aborted: boolean
}

/** One publish request and how to answer it. */
export interface FakePublish {
  body: { channel: string; data: unknown; mid?: string; event?: string }
  headers: Record<string, string>
  respond(status: number, body?: unknown, headers?: Record<string, string>): void
}

/** A fetch that serves SSE streams (`/sse`) and publishes (`/publish`) under the test's control. */
export function createFakeFetch() {
  const streams: FakeStream[] = []
  const publishes: FakePublish[] = []
  /**
   * Answers for the next SSE requests, in order: a status (with body and headers), or `hang` — a server that
   * accepted the connection and never answers (the fetch settles only when aborted).
   */
  const sseAnswers: Array<
    { status: number; body?: string; headers?: Record<string, string>; hang?: never } | { hang: true; status?: never }
  > = []
  /** Requests left hanging (by a `hang` answer): whether each was aborted. */
  const hung: Array<{ url: URL; readonly aborted: boolean }> = []
  const encoder = new TextEncoder()

  const fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input))
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    )
    if (url.pathname.endsWith('/publish')) {
      return new Promise<Response>((resolve) => {
        publishes.push({
          body: JSON.parse(String(init?.body)) as FakePublish['body'],
          headers,
          respond(status, body = {}, extra = {}) {
            resolve(
              new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...extra } }),
            )
          },
        })
      })
    }
    const answer = sseAnswers.shift()
    if (answer?.hang) {
      return new Promise<Response>((_resolve, reject) => {
        const entry = { url, aborted: false }
        hung.push(entry)
        init?.signal?.addEventListener('abort', () => {
          entry.aborted = true
          reject(new DOMException('The operation was aborted.', 'AbortError'))
        })
      })
    }
    if (answer) {
      const nullBody = answer.status === 204 || answer.status === 304
      return new Response(nullBody ? null : (answer.body ?? ''), {
        status: answer.status,
        headers: answer.headers ?? {},
      })
    }
    let controller!: ReadableStreamDefaultController<Uint8Array>
    let aborted = false
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c
      },
      cancel() {
        aborted = true
      },
    })
    init?.signal?.addEventListener('abort', () => {
      aborted = true
    })
    const stream: FakeStream = {
      url,
      init,
      headers,
      push(text) {
        if (!aborted) controller.enqueue(encoder.encode(text))
      },
      event({ event, id, data }) {
        let text = ''
        if (event !== undefined) text += `event: ${event}\n`
        if (id !== undefined) text += `id: ${id}\n`
        text += `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
        stream.push(text)
      },
      end() {
        if (!aborted) controller.close()
      },
      get aborted() {
        return aborted
      },
    }
    streams.push(stream)
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }) as typeof globalThis.fetch

  return {
    fetch,
    streams,
    publishes,
    sseAnswers,
    hung,
    /** The most recent stream. */
    get last(): FakeStream {
      const stream = streams.at(-1)
      if (!stream) throw new Error('no SSE request was made')
      return stream
    },
  }
}

/** `sl-ready` for a stream, with the head cursor (R9; `e1-0`: an empty log). */
export function ready(stream: FakeStream, heartbeatMs = 15_000, cursor = 'e1-0'): void {
  const channels = (stream.url.searchParams.get('channels') ?? '').split(',')
  stream.event({ event: 'sl-ready', data: { epoch: 'e1', heartbeatMs, channels, cursor } })
}

/**
 * The options of a client on the fakes: `http://example.test/rt/`, `chat` sends, a fixed 100 ms backoff, a 5 s
 * re-probe, `net`'s fetch, `FakeWebSocket`, no EventSource, a seeded random. `extra` replaces fields.
 */
export function fakeClientOptions(net: { fetch: typeof fetch }, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    url: 'http://example.test/rt/',
    sendChannels: ['chat'],
    reconnect: { backoff: () => 100 },
    reprobeWebSocketMs: 5000,
    platform: {
      fetch: net.fetch,
      WebSocket: FakeWebSocket as unknown as WebSocketConstructor,
      EventSource: undefined,
      random: mulberry32(9),
    },
    ...extra,
  }
}
