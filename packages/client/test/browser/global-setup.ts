/**
 * Starts a real Switchline server (demo channel definitions, no demo feed, faults on, every origin allowed since
 * the test page is served from another port) on 127.0.0.1:0 and provides its base URL as `switchlineUrl`.
 * `GET /_test/sse-requests` (outside the base path) lists every request to an `/sse` path the server saw —
 * method, URL, `Last-Event-ID` header — so a test can prove what the browser sent, preflights (`OPTIONS`) included.
 */
import { createSwitchlineServer, DEMO_CHANNELS } from '@switchline/server'
import { createFaultInjector } from '@switchline/server/testing'
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
