/**
 * Node side of the browser suite: a control server on 127.0.0.1:0 (CORS open: the test page is another origin)
 * that starts the plain server modules on request and runs their hooks (see control.ts). Its URL is provided to
 * the tests as `interopControlUrl`; teardown closes every server still running.
 */
import { createServer } from 'node:http'
import type { TestProject } from 'vitest/node'
import { closeHttp, listenLocal } from '../../src/harness/handle'
import type { ServerHandle } from '../../src/harness/types'
import { BROWSER_SERVERS } from '../../src/servers/catalog'
import { SERVERS } from '../../src/servers'
import { HOOKS, type Hook, type RemoteInfo } from './control'

declare module 'vitest' {
  export interface ProvidedContext {
    interopControlUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const handles = new Map<string, ServerHandle>()
  let next = 0
  const server = createServer(async (req, res) => {
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type' }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end()
      return
    }
    try {
      let text = ''
      for await (const chunk of req) text += String(chunk)
      const body = JSON.parse(text || '{}') as { server?: string; handle?: string; hook?: string; args?: unknown[] }
      let result: unknown
      if (req.url === '/start') {
        const module = SERVERS.find((candidate) => candidate.id === body.server)
        if (!module || !BROWSER_SERVERS.includes(module.id as never))
          throw new Error(`not a browser server: ${body.server}`)
        const handle = await module.start()
        const key = String(++next)
        handles.set(key, handle)
        const info: RemoteInfo = {
          handle: key,
          id: handle.id,
          kind: handle.kind,
          url: handle.url,
          llmBaseUrl: handle.llmBaseUrl,
          resumes: handle.resumes,
          heartbeatMs: handle.heartbeatMs,
          userOptions: handle.userOptions,
        }
        result = info
      } else if (req.url === '/call') {
        const handle = handles.get(body.handle ?? '')
        if (!handle || !HOOKS.includes(body.hook as Hook)) throw new Error(`bad call: ${text}`)
        const hook = handle[body.hook as Hook] as (...args: unknown[]) => Promise<unknown>
        result = await hook.apply(handle, body.args ?? [])
        if (body.hook === 'close') handles.delete(body.handle ?? '')
      } else {
        throw new Error(`unknown control path ${req.url}`)
      }
      res.writeHead(200, { ...cors, 'content-type': 'application/json' })
      res.end(JSON.stringify({ result: result ?? null }))
    } catch (error) {
      res.writeHead(500, { ...cors, 'content-type': 'text/plain' })
      res.end(String(error))
    }
  })
  const port = await listenLocal(server)
  project.provide('interopControlUrl', `http://127.0.0.1:${port}`)
  return async () => {
    await Promise.all([...handles.values()].map((handle) => handle.close()))
    await closeHttp(server)
  }
}
