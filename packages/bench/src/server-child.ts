/**
 * The server process of the benchmarks (one child process, so servers and receivers don't share a core's
 * event loop). It hosts, each on its own 127.0.0.1 port:
 * - `raw`: node:http with a raw `ws` server (`/ws`, `/echo`, `/ctl`), a plain SSE writer (`/sse`) and the
 *   browser page (`/page/…`);
 * - `sio`: a socket.io 4 server (WebSocket transport);
 * - `sl`: `@switchline/server` (channels `bench` receive-only and `chat` sendable) with a fault injector.
 *
 * - `slmock`: under `raw`, `/slmock/ws` and `/slmock/sse` speak just enough of the Switchline protocol (welcome,
 *   subscribed, sl-ready, pong) to feed prebuilt event bursts to `createClient`, so the client is measured,
 *   not @switchline/server's publish path.
 *
 * Bursts are driven over the `/ctl` WebSocket (JSON): a receiver asks for probes until its stream is live,
 * then a burst of `n` messages paced by credits (at most `window` messages in flight), so no server buffers
 * unboundedly and no server-side slow-consumer limit is hit. Every stream kind uses the same pacing. Except
 * for `sl` (the real server's `publish()`), a burst is prebuilt: the frames of all sendable messages are
 * concatenated and written to the socket at once, so the server side is far faster than any receiver.
 */
import { createServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { Server as SocketIoServer, type Socket as SioSocket } from 'socket.io'
import { createSwitchlineServer } from '@switchline/server'
import { createFaultInjector } from '@switchline/server/testing'
import { message, messageText, padFor, PROBE_TEXT } from './payloads'

export type StreamKind = 'ws' | 'sse' | 'sio' | 'sl' | 'slmock-ws' | 'slmock-sse'

/** Ports and URLs the parent gets once everything listens. */
export interface ServerInfo {
  rawPort: number
  sioPort: number
  /** Switchline base URL `B` of @switchline/server. */
  slBaseUrl: string
  /** Switchline base URL `B` of the protocol mock (prebuilt bursts). */
  slMockBaseUrl: string
}

/** Control requests (over `/ctl`). */
export type CtlRequest =
  | { op: 'probe'; sid: string; kind: StreamKind; size: number }
  | { op: 'burst'; sid: string; n: number; window: number }
  | { op: 'credit'; sid: string; received: number }
  | { op: 'end'; sid: string }
  | { op: 'sl-restart'; downMs: number }
  | { op: 'sl-stats' }
  | { op: 'sio-restart'; downMs: number }
  | { op: 'sio-stats' }

interface Stream {
  kind: StreamKind
  sid: string
  pad: string
  /** Sends messages `from` … `from + count - 1` (one prebuilt write where the kind allows). */
  send(from: number, count: number): void
  sendProbe(): void
  probe?: ReturnType<typeof setInterval>
  n: number
  sent: number
  credited: number
  window: number
}

export async function serverChildMain(): Promise<void> {
  const pageFiles = new Map<string, { type: string; path: string }>()
  const wsBySid = new Map<string, WebSocket>()
  const sseBySid = new Map<string, ServerResponse>()
  const sioBySid = new Map<string, SioSocket>()
  const mockWsBySid = new Map<string, WebSocket>()
  const mockSseBySid = new Map<string, ServerResponse>()
  const streams = new Map<string, Stream>()
  const pending = new Map<string, CtlRequest & { op: 'probe' }>() // probes waiting for their connection

  // ---- Switchline ----
  const sl = createSwitchlineServer({
    channels: { bench: { send: false }, chat: { send: true } },
    allowedOrigins: '*',
    retention: { maxEvents: 2000 },
  })
  const faults = createFaultInjector(sl)
  const slListener = await sl.listen({ host: '127.0.0.1', port: 0 })

  // ---- raw ws + SSE + page ----
  const raw = createServer((req, res) => void handleHttp(req, res))
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  raw.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x')
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (url.pathname === '/echo') {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
      } else if (url.pathname === '/ctl') {
        ws.on('message', (data) => handleCtl(ws, JSON.parse(String(data)) as CtlRequest & { reqId?: number }))
      } else if (url.pathname === '/slmock/ws') {
        serveMockWs(ws)
      } else {
        const sid = url.searchParams.get('sid') ?? ''
        wsBySid.set(sid, ws)
        ws.on('close', () => wsBySid.delete(sid))
        ws.on('error', () => {})
        attachPending(sid)
      }
    })
  })

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/sse') {
      const sid = url.searchParams.get('sid') ?? ''
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        'access-control-allow-origin': '*',
      })
      res.flushHeaders()
      res.socket?.setNoDelay(true)
      sseBySid.set(sid, res)
      res.on('close', () => sseBySid.delete(sid))
      attachPending(sid)
      return
    }
    if (url.pathname === '/slmock/sse') {
      const channel = url.searchParams.get('channels') ?? ''
      const sid = channel.slice('bench:'.length)
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        'access-control-allow-origin': '*',
      })
      res.write(
        `retry: 1000\n\nevent: sl-ready\ndata: ${JSON.stringify({ epoch: MOCK_EPOCH, heartbeatMs: 15000, channels: [channel], cursor: `${MOCK_EPOCH}-0` })}\n\n`,
      )
      res.socket?.setNoDelay(true)
      mockSseBySid.set(sid, res)
      res.on('close', () => mockSseBySid.delete(sid))
      attachPending(sid)
      return
    }
    const file = pageFiles.get(url.pathname)
    if (file) {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' })
      res.end(await readFile(file.path))
      return
    }
    res.writeHead(404).end()
  }

  // ---- socket.io ----
  let sioHttp = createServer()
  let sio = new SocketIoServer(sioHttp, { transports: ['websocket'], serveClient: false, cors: { origin: '*' } })
  const sioConnections = { accepted: 0 }
  const wireSio = (io: SocketIoServer): void => {
    io.on('connection', (socket) => {
      sioConnections.accepted += 1
      const sid = String(socket.handshake.query.stream ?? '') // not `sid`: engine.io's session id
      if (sid) {
        sioBySid.set(sid, socket)
        socket.on('disconnect', () => sioBySid.delete(sid))
        attachPending(sid)
      }
      socket.on('echo', (data: unknown, ack: (d: unknown) => void) => ack(data))
    })
  }
  wireSio(sio)

  await Promise.all([listen(raw), listen(sioHttp)])

  // ---- the Switchline protocol mock (WebSocket side) ----
  function serveMockWs(ws: WebSocket): void {
    ws.on('error', () => {})
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: number; channel?: string }
      switch (frame.type) {
        case 'hello':
          return ws.send(
            JSON.stringify({ type: 'welcome', epoch: MOCK_EPOCH, idleTimeoutMs: 45000, maxFrameBytes: 65536 }),
          )
        case 'subscribe': {
          const sid = (frame.channel ?? '').slice('bench:'.length)
          ws.send(
            JSON.stringify({ type: 'subscribed', id: frame.id, channel: frame.channel, cursor: `${MOCK_EPOCH}-0` }),
          )
          mockWsBySid.set(sid, ws)
          ws.on('close', () => mockWsBySid.delete(sid))
          return attachPending(sid)
        }
        case 'unsubscribe':
          return ws.send(JSON.stringify({ type: 'unsubscribed', id: frame.id, channel: frame.channel }))
        case 'ping':
          return ws.send(JSON.stringify(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id }))
      }
    })
  }

  // ---- streams and pacing ----
  function makeStream(req: CtlRequest & { op: 'probe' }): Stream | undefined {
    const pad = padFor(req.size)
    const base = { kind: req.kind, sid: req.sid, pad, n: 0, sent: 0, credited: 0, window: 0 }
    /** Writes `count` text frames built by `text(seq)` as one buffer on a ws library socket. */
    const rawFrames = (ws: WebSocket, from: number, count: number, text: (seq: number) => string): void => {
      const parts: Buffer[] = []
      for (let seq = from; seq < from + count; seq++) parts.push(...wsTextFrame(text(seq)))
      rawSocketOf(ws).write(Buffer.concat(parts))
    }
    switch (req.kind) {
      case 'ws': {
        const ws = wsBySid.get(req.sid)
        if (!ws) return undefined
        return {
          ...base,
          send: (from, count) => rawFrames(ws, from, count, (seq) => messageText(seq, pad)),
          sendProbe: () => ws.send(PROBE_TEXT),
        }
      }
      case 'sse': {
        const res = sseBySid.get(req.sid)
        if (!res) return undefined
        return {
          ...base,
          send: (from, count) => {
            let chunk = ''
            for (let seq = from; seq < from + count; seq++) chunk += `data: ${messageText(seq, pad)}\n\n`
            res.write(chunk)
          },
          sendProbe: () => void res.write(`data: ${PROBE_TEXT}\n\n`),
        }
      }
      case 'sio': {
        const socket = sioBySid.get(req.sid)
        if (!socket) return undefined
        // socket.io packets over engine.io's WebSocket: `4` (message) + `2` (event) + JSON array.
        const ws = (socket.conn as unknown as { transport: { socket: WebSocket } }).transport.socket
        return {
          ...base,
          send: (from, count) => rawFrames(ws, from, count, (seq) => `42["m",${messageText(seq, pad)}]`),
          sendProbe: () => socket.emit('m', message(-1, '')),
        }
      }
      case 'sl': {
        const channel = `bench:${req.sid}`
        return {
          ...base,
          send: (from, count) => {
            for (let seq = from; seq < from + count; seq++) sl.publish(channel, message(seq, pad) as never)
          },
          sendProbe: () => void sl.publish(channel, message(-1, '') as never),
        }
      }
      case 'slmock-ws': {
        const ws = mockWsBySid.get(req.sid)
        if (!ws) return undefined
        const channel = `bench:${req.sid}`
        let id = 0
        const frame = (text: string): string =>
          `{"type":"event","channel":"${channel}","id":"${MOCK_EPOCH}-${++id}","data":${text}}`
        return {
          ...base,
          send: (from, count) => rawFrames(ws, from, count, (seq) => frame(messageText(seq, pad))),
          sendProbe: () => ws.send(frame(PROBE_TEXT)),
        }
      }
      case 'slmock-sse': {
        const res = mockSseBySid.get(req.sid)
        if (!res) return undefined
        const channel = `bench:${req.sid}`
        let id = 0
        const event = (text: string): string =>
          `id: ${MOCK_EPOCH}-${++id}\ndata: {"channel":"${channel}","data":${text}}\n\n`
        return {
          ...base,
          send: (from, count) => {
            let chunk = ''
            for (let seq = from; seq < from + count; seq++) chunk += event(messageText(seq, pad))
            res.write(chunk)
          },
          sendProbe: () => void res.write(event(PROBE_TEXT)),
        }
      }
    }
  }

  function attachPending(sid: string): void {
    const req = pending.get(sid)
    if (!req) return
    const stream = makeStream(req)
    if (!stream) return
    pending.delete(sid)
    startProbe(stream)
  }

  function startProbe(stream: Stream): void {
    streams.set(stream.sid, stream)
    stream.sendProbe()
    stream.probe = setInterval(() => stream.sendProbe(), 10)
  }

  function pump(stream: Stream): void {
    const count = Math.min(stream.n - stream.sent, stream.window - (stream.sent - stream.credited))
    if (count <= 0) return
    stream.send(stream.sent, count)
    stream.sent += count
  }

  function reply(ws: WebSocket, reqId: number | undefined, body: object): void {
    if (reqId !== undefined) ws.send(JSON.stringify({ reqId, ...body }))
  }

  function handleCtl(ws: WebSocket, req: CtlRequest & { reqId?: number }): void {
    switch (req.op) {
      case 'probe': {
        const stream = makeStream(req)
        if (stream) startProbe(stream)
        else pending.set(req.sid, req)
        return reply(ws, req.reqId, { ok: true })
      }
      case 'burst': {
        const stream = streams.get(req.sid)
        if (!stream) return reply(ws, req.reqId, { ok: false, error: 'no stream' })
        clearInterval(stream.probe)
        stream.n = req.n
        stream.window = req.window
        pump(stream)
        return reply(ws, req.reqId, { ok: true })
      }
      case 'credit': {
        const stream = streams.get(req.sid)
        if (!stream) return
        stream.credited = Math.max(stream.credited, req.received)
        return pump(stream)
      }
      case 'end': {
        const stream = streams.get(req.sid)
        if (stream) clearInterval(stream.probe)
        streams.delete(req.sid)
        pending.delete(req.sid)
        wsBySid.get(req.sid)?.close()
        sseBySid.get(req.sid)?.end()
        mockWsBySid.get(req.sid)?.close()
        mockSseBySid.get(req.sid)?.end()
        sioBySid.get(req.sid)?.disconnect(true)
        return reply(ws, req.reqId, { ok: true })
      }
      case 'sl-restart': {
        faults.restart({ keepLog: true, downMs: req.downMs })
        return reply(ws, req.reqId, { ok: true })
      }
      case 'sl-stats':
        return reply(ws, req.reqId, { ok: true, stats: sl.stats(), faults: faults.stats() })
      case 'sio-restart': {
        // A restart: every socket is cut (transport close → the clients reconnect), nothing listens for
        // `downMs` (connections refused), then a fresh http + socket.io server listens on the same port.
        const port = (sioHttp.address() as AddressInfo).port
        const old = sioHttp
        void sio.close()
        old.closeAllConnections()
        setTimeout(() => {
          sioHttp = createServer()
          sio = new SocketIoServer(sioHttp, { transports: ['websocket'], serveClient: false })
          wireSio(sio)
          sioHttp.listen(port, '127.0.0.1')
        }, req.downMs)
        return reply(ws, req.reqId, { ok: true })
      }
      case 'sio-stats':
        return reply(ws, req.reqId, {
          ok: true,
          accepted: sioConnections.accepted,
          open: sio.engine?.clientsCount ?? 0,
        })
    }
  }

  // ---- page files (browser benchmark) ----
  process.on('message', (msg: { type?: string; files?: Record<string, { type: string; path: string }> }) => {
    if (msg.type === 'page-files' && msg.files) {
      for (const [k, v] of Object.entries(msg.files)) pageFiles.set(k, v)
      process.send?.({ type: 'page-files-ok' })
    }
  })

  const info: ServerInfo = {
    rawPort: (raw.address() as AddressInfo).port,
    sioPort: (sioHttp.address() as AddressInfo).port,
    slBaseUrl: slListener.baseUrl,
    slMockBaseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/slmock`,
  }
  process.send?.({ type: 'ready', info })
  process.on('disconnect', () => process.exit(0))
}

const MOCK_EPOCH = 'bench'

/** The frame header and payload of one unmasked server-to-client text frame (RFC 6455 §5.2). */
function wsTextFrame(text: string): [Buffer, Buffer] {
  const payload = Buffer.from(text)
  const len = payload.length
  let header: Buffer
  if (len < 126) header = Buffer.from([0x81, len])
  else if (len < 65536) {
    header = Buffer.alloc(4)
    header[0] = 0x81
    header[1] = 126
    header.writeUInt16BE(len, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x81
    header[1] = 127
    header.writeBigUInt64BE(BigInt(len), 2)
  }
  return [header, payload]
}

/** The TCP socket under a `ws` WebSocket (prebuilt bursts bypass the frame sender; nothing else is in flight). */
function rawSocketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket
}

function listen(server: HttpServer): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
}
