/**
 * What a case sees of a server: its URLs and the hooks a case drives. Every hook is async so the same case code
 * runs in Node (hooks called directly) and in a browser (hooks called over the control server, see
 * `test/browser/remote-server.ts`).
 */

/** One request that became a live stream (SSE) or socket (WebSocket) on the server. */
export interface StreamRecord {
  method: string
  /** The `Last-Event-ID` request header as the server read it (`null` when absent; always `null` on WebSocket). */
  lastEventId: string | null
}

/** One request to the server's chat-completions endpoint. */
export interface LlmRecord {
  authorization: string | null
  /** The request body as the server parsed it (`null` when it was not JSON). */
  body: unknown
  /** The status the server answered with. */
  status: number
}

/** The options a user of this server passes to raw `subscribe()` besides timeouts (none in most cases). */
export type UserOptions = { [option: string]: unknown }

/** A running test server (one library, one instance) behind a TCP proxy on 127.0.0.1. */
export interface ServerHandle {
  /** Matrix row id, e.g. `'hono'`. */
  readonly id: string
  readonly kind: 'sse' | 'websocket'
  /** The stream endpoint (through the proxy). */
  readonly url: string
  /** OpenAI-style API base (`…/v1`) when the server has a chat-completions endpoint. */
  readonly llmBaseUrl: string | undefined
  /** Whether the app replays events after the client's `Last-Event-ID` (WebSocket: never). */
  readonly resumes: boolean
  /** The interval of the app's own heartbeat events/pings in this test setup, if it sends any within a test. */
  readonly heartbeatMs: number | undefined
  /** What a user of this server passes to `subscribe()` (e.g. Hono's named heartbeats: `ignoreEvents`). */
  readonly userOptions: UserOptions
  /** Publishes one burst: every item is sent to every live stream (and logged for replay) in one tick. */
  publish(items: readonly unknown[]): Promise<void>
  /** Every request that became a live stream, in order. */
  streams(): Promise<StreamRecord[]>
  /** Every request to the chat-completions endpoint, in order. */
  llmRequests(): Promise<LlmRecord[]>
  /** Resets every open connection at once (a crash, a deploy, a NAT timeout). */
  drop(): Promise<void>
  /** Stops forwarding on every open connection without closing it: the peer hears nothing, ever (half-open). */
  freeze(): Promise<void>
  /** WebSocket: the app closes every socket with this code. */
  closeWith(code: number, reason: string): Promise<void>
  /** WebSocket: the app starts sending `{"type":"ping"}` every `intervalMs` and closes sockets that miss a pong. */
  appPings(intervalMs: number): Promise<void>
  close(): Promise<void>
}

/** What the matrix knows of a server before starting it (browser-safe: no server code). */
export interface ServerInfo {
  /** Matrix row id. */
  id: string
  /** What the table shows (Markdown). */
  title: string
  /** The npm packages whose versions the results record. */
  packages: readonly string[]
  kind: 'sse' | 'websocket'
  /** Whether the server has an OpenAI-style chat-completions endpoint. */
  llm: boolean
  /** Whether the server has a live event stream (every server but the LLM-only one). */
  stream: boolean
}

/** A server module: `servers/<lib>.ts`. */
export interface ServerModule extends ServerInfo {
  start(): Promise<ServerHandle>
}
