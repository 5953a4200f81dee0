/**
 * Starts a real Switchline server (demo channel definitions, no demo feed, faults on, every origin allowed since
 * the test page is served from another port) on 127.0.0.1:0 and provides its base URL as `switchlineUrl`.
 * `GET /_test/sse-requests` (outside the base path) lists every request to an `/sse` path the server saw —
 * method, URL, `Last-Event-ID` header — so a test can prove what the browser sent, preflights (`OPTIONS`) included.
 * `/_test/raw-sse?case=…` is a plain third-party SSE endpoint (raw-sse-wire.test.ts): `bom` starts its stream with
 * two byte-order marks; `id` sends an event with a non-ASCII id, then ends; `/_test/raw-sse?seen` lists the
 * `Last-Event-ID` each request carried, decoded from its bytes as UTF-8.
 */
import { createSwitchlineServer, DEMO_CHANNELS } from '@switchline/server'
import { createFaultInjector } from '@switchline/server/testing'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    switchlineUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = createSwitchlineServer({
    channels: { ...DEMO_CHANNELS },
    faults: true,
    allowedOrigins: '*',
    heartbeatMs: 500,
  })
  createFaultInjector(server)
  const seen: Array<{ method: string | undefined; url: string | undefined; lastEventId: string | null }> = []
  const handleRequest = server.handleRequest
  server.handleRequest = (req, res, next) => {
    if (req.url === '/_test/sse-requests') {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
      res.end(JSON.stringify(seen))
      return
    }
    if (req.url?.startsWith('/_test/raw-sse')) {
      // listen() without tls: every request is an HTTP/1.1 IncomingMessage/ServerResponse
      rawSse(req as IncomingMessage, res as ServerResponse)
      return
    }
    if (req.url?.includes('/sse')) {
      const header = req.headers['last-event-id']
      seen.push({ method: req.method, url: req.url, lastEventId: typeof header === 'string' ? header : null })
    }
    handleRequest(req, res, next)
  }
  const listener = await server.listen({ host: '127.0.0.1', port: 0 })
  project.provide('switchlineUrl', listener.baseUrl)
  return () => server.close()
}

const rawSeen: Array<string | null> = []

/** The third-party SSE endpoint of the raw-mode wire tests (see the file comment). */
function rawSse(req: IncomingMessage, res: ServerResponse): void {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'last-event-id' }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors)
    res.end()
    return
  }
  const query = new URL(req.url ?? '', 'http://x').searchParams
  if (query.has('seen')) {
    res.writeHead(200, { ...cors, 'content-type': 'application/json' })
    res.end(JSON.stringify(rawSeen))
    return
  }
  const header = req.headers['last-event-id']
  rawSeen.push(typeof header === 'string' ? Buffer.from(header, 'latin1').toString('utf8') : null)
  res.writeHead(200, { ...cors, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  if (query.get('case') === 'bom') res.end('\uFEFF\uFEFFdata: "first"\n\ndata: "second"\n\n')
  else res.end(header === undefined ? 'id: …日本\ndata: "one"\n\n' : 'data: "two"\n\n')
}
