/**
 * Starts a real Switchline server on 127.0.0.1:0 for one browser instance — faults on, every origin allowed (the
 * test page is served from another port) — and provides its base URL as `switchlineUrl`. Channels: the demo's
 * (`chat` sends; no demo feed runs, tests publish what they need) and `feed`, which clients may publish to but
 * the tests' schema declares receive-only, so a test can drive a receive-only channel over HTTP.
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
    channels: { ...DEMO_CHANNELS, feed: { send: true } },
    faults: true,
    allowedOrigins: '*',
    heartbeatMs: 500,
  })
  createFaultInjector(server)
  const listener = await server.listen({ host: '127.0.0.1', port: 0 })
  console.log(`[react-browser] ${project.name}: server at ${listener.baseUrl}`)
  project.provide('switchlineUrl', listener.baseUrl)
  return () => server.close()
}
