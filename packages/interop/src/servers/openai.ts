/**
 * An OpenAI-style chat-completions endpoint on `node:http`, shaped like the real API: `POST /v1/chat/completions`
 * with a JSON body and `Authorization: Bearer …`; `200 text/event-stream; charset=utf-8` at once, then one
 * `data: {chat.completion.chunk}` per token and `data: [DONE]`; errors as `{"error":{message,type,param,code}}`
 * with `x-request-id`, and `retry-after-ms` on 429. The `openai` package's own client is the reference consumer:
 * the LLM case checks that it reads every endpoint of the suite.
 */
import { createServer } from 'node:http'
import { createFeed } from '../harness/feed'
import { serveBehindProxy } from '../harness/handle'
import type { ServerModule } from '../harness/types'
import { CATALOG } from './catalog'
import { answerEvents, createModel, parseJson } from '../llm/model'

export const openaiStyle: ServerModule = {
  ...CATALOG['openai-style'],
  async start() {
    const feed = createFeed()
    const model = createModel(feed.llm)
    let requests = 0
    const server = createServer(async (req, res) => {
      const requestId = `req_interop_${++requests}`
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json', 'x-request-id': requestId })
        res.end(
          JSON.stringify({
            error: {
              message: `Unknown request URL: ${req.method} ${req.url}`,
              type: 'invalid_request_error',
              param: null,
              code: 'unknown_url',
            },
          }),
        )
        return
      }
      let text = ''
      for await (const chunk of req) text += String(chunk)
      const authorization = req.headers.authorization ?? null
      const body = parseJson(text)
      const plan = model.plan(authorization, body)
      if (plan.kind === 'error') {
        res.writeHead(plan.status, { 'content-type': 'application/json', 'x-request-id': requestId, ...plan.headers })
        res.end(JSON.stringify(plan.body))
        return
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-request-id': requestId,
        'openai-processing-ms': '5',
      })
      res.flushHeaders()
      for await (const data of answerEvents(plan.steps, () => req.socket.destroy())) {
        if (res.destroyed) return
        res.write(`data: ${data}\n\n`)
      }
      res.end()
    })
    return serveBehindProxy(server, {
      id: 'openai-style',
      kind: 'sse',
      path: '/v1/chat/completions',
      llmPath: '/v1',
      resumes: false,
      feed,
    })
  },
}
