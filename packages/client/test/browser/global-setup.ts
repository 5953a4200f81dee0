/**
 * Starts a real Switchline server (demo channel definitions, no demo feed, faults on, every origin allowed since
 * the test page is served from another port) on 127.0.0.1:0 and provides its base URL as `switchlineUrl`.
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
  const listener = await server.listen({ host: '127.0.0.1', port: 0 })
  project.provide('switchlineUrl', listener.baseUrl)
  return () => server.close()
}
