/**
 * LLM stream: an OpenAI-style `POST /v1/chat/completions` (JSON body, `Authorization: Bearer`, `data: {chunk}`
 * events, `data: [DONE]`) read with raw `subscribe()` and its default reconnect policy — the whole answer once,
 * `[DONE]` ends it, a first token later than the connect timeout is waited for, a stream broken mid-answer is not
 * POSTed again, an error body's message and code reach the app, a bad key is not retried, `retry-after-ms` is
 * honoured. The `openai` package's own client reads the same endpoint (the reference: it proves the endpoint).
 */
import { expect } from 'vitest'
import type { ServerHandle } from '../harness/types'
import { ANSWER, ANSWER_PARTS, API_KEY, BREAK_AFTER_PARTS, RETRY_AFTER_MS, type LlmModelName } from '../llm/model'
import { optionsFor, record, until, type Case, type LooseOptions, type Recording } from './support'

const MESSAGES = [{ role: 'user', content: 'Say hello to interop.' }]

function completionsUrl(server: ServerHandle): string {
  if (server.llmBaseUrl === undefined) throw new Error(`${server.id} has no chat-completions endpoint`)
  return `${server.llmBaseUrl}/chat/completions`
}

/** Asks `model` and waits until the subscription closes or a second POST arrives (a re-send ends the wait too). */
async function ask(server: ServerHandle, model: LlmModelName, extra: LooseOptions = {}): Promise<Recording> {
  const recording = record(
    completionsUrl(server),
    optionsFor(server, {
      method: 'POST',
      body: { model, stream: true, messages: MESSAGES },
      token: () => API_KEY,
      done: '[DONE]',
      ...extra,
    }),
  )
  const settles = model === 'interop-busy' ? 3 : 2
  try {
    await until(async () => recording.closed() !== undefined || (await server.llmRequests()).length >= settles)
  } finally {
    recording.subscription.close()
  }
  return recording
}

/** The text of the answer the app received: the chunks' `delta.content`, joined. */
function content(recording: Recording): string {
  return recording
    .data()
    .map((chunk) => (chunk as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '')
    .join('')
}

async function expectOneCleanAnswer(server: ServerHandle, recording: Recording): Promise<void> {
  expect(content(recording)).toBe(ANSWER)
  expect(recording.closed()?.error).toBeUndefined()
  expect(recording.errors).toEqual([])
  const requests = await server.llmRequests()
  expect(requests).toHaveLength(1)
  expect(requests[0]).toMatchObject({ authorization: `Bearer ${API_KEY}`, body: { stream: true, messages: MESSAGES } })
}

export const llmStream: Case = {
  id: 'llm-stream',
  applies: (server) => server.llm,
  checks: [
    {
      name: 'the answer arrives once and [DONE] ends it',
      async run(server) {
        await expectOneCleanAnswer(server, await ask(server, 'interop-fast'))
      },
    },
    {
      name: 'a first token after the connect timeout is waited for',
      async run(server) {
        const recording = await ask(server, 'interop-think')
        await expectOneCleanAnswer(server, recording)
        expect(recording.reconnects()).toBe(0)
      },
    },
    {
      name: 'a stream broken mid-answer is not POSTed again, and says so',
      async run(server) {
        const recording = await ask(server, 'interop-break')
        expect(await server.llmRequests()).toHaveLength(1)
        expect(content(recording)).toBe(ANSWER_PARTS.slice(0, BREAK_AFTER_PARTS).join(''))
        expect(recording.errors.length).toBeGreaterThan(0)
        expect(recording.closed()?.error).toBeDefined()
      },
    },
    {
      name: "a 401's error body reaches the app and the bad key is not retried",
      async run(server) {
        const recording = await ask(server, 'interop-fast', { token: () => 'sk-bad' })
        expect(await server.llmRequests()).toHaveLength(1)
        const error = recording.closed()?.error
        expect(error?.message).toContain('Incorrect API key provided')
        // The server's own code, wherever the SDK puts it (message or a field of the error).
        expect(`${error?.message} ${JSON.stringify(error)}`).toContain('invalid_api_key')
        expect(recording.errors).toContain(error)
        expect(recording.events).toEqual([])
      },
    },
    {
      name: 'retry-after-ms is honoured',
      async run(server) {
        const recording = await ask(server, 'interop-busy')
        expect((await server.llmRequests()).map((request) => request.status)).toEqual([429, 200])
        expect(content(recording)).toBe(ANSWER)
        const wait = recording.states.find((change) => change.to === 'reconnecting')
        expect(wait?.delayMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS)
      },
    },
    {
      name: 'reference: the openai client reads the same endpoint',
      async run(server) {
        const { default: OpenAI } = await import('openai')
        const client = new OpenAI({ apiKey: API_KEY, baseURL: server.llmBaseUrl, maxRetries: 0 })
        let text = ''
        const stream = await client.chat.completions.create({
          model: 'interop-think',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
        })
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
        expect(text).toBe(ANSWER)
        const bad = new OpenAI({ apiKey: 'sk-bad', baseURL: server.llmBaseUrl, maxRetries: 0 })
        await expect(
          bad.chat.completions.create({ model: 'interop-fast', messages: [], stream: true }),
        ).rejects.toMatchObject({
          status: 401,
          code: 'invalid_api_key',
        })
      },
    },
  ],
}
