/**
 * A scripted chat model behind every OpenAI-style endpoint of the suite. The request's `model` picks the script:
 *
 * - `interop-fast`: the answer at once, then `data: [DONE]`;
 * - `interop-think`: the first token after {@link THINK_MS} (a reasoning model), twice the client's connect
 *   timeout in the cases;
 * - `interop-break`: two tokens, then the connection breaks mid-answer;
 * - `interop-busy`: the first request of a server gets `429` with `retry-after-ms` (as OpenAI sends it), the next
 *   one the answer.
 *
 * A request without `Authorization: Bearer sk-interop` gets OpenAI's `401` body. Chunks and errors have OpenAI's
 * shapes, so the `openai` package reads them (the suite checks that it does).
 */

import type { LlmRecord } from '../harness/types'

export const API_KEY = 'sk-interop'
export const ANSWER_PARTS = ['Hello', ', inter', 'op', ' world', '!'] as const
export const ANSWER = ANSWER_PARTS.join('')
export const THINK_MS = 2_000
export const RETRY_AFTER_MS = 900
export const BREAK_AFTER_PARTS = 2
/** How long after its last token `interop-break` breaks the connection. */
export const BREAK_DELAY_MS = 300

export type LlmModelName = 'interop-fast' | 'interop-think' | 'interop-break' | 'interop-busy'

/** One step of a streamed answer: wait, then write `data` as one SSE event — or break the connection. */
export type LlmStep = { delayMs: number; data: string } | { break: true }

export type LlmPlan =
  | { kind: 'error'; status: number; headers: Record<string, string>; body: unknown }
  | { kind: 'stream'; steps: LlmStep[] }

export interface LlmModel {
  /** What to answer this request with; the request is recorded. */
  plan(authorization: string | null, body: unknown): LlmPlan
}

const INVALID_KEY = (key: string) => ({
  error: {
    message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
})

const RATE_LIMITED = {
  error: {
    message: 'Rate limit reached for requests. Please try again in 900ms.',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
}

/**
 * A model with its own state (the `interop-busy` refusal is per server). Every request it plans is recorded in
 * `records` (the server's `feed.llm`) with the status it will be answered with.
 */
export function createModel(records: LlmRecord[]): LlmModel {
  let busyRefused = false
  const planFor = (authorization: string | null, body: unknown): LlmPlan => {
    const key = /^Bearer (.*)$/i.exec(authorization ?? '')?.[1]
    if (key !== API_KEY) {
      return { kind: 'error', status: 401, headers: {}, body: INVALID_KEY(key ?? '') }
    }
    const model = (body as { model?: unknown } | null)?.model
    const stream = (body as { stream?: unknown } | null)?.stream
    if (typeof model !== 'string' || stream !== true) {
      return {
        kind: 'error',
        status: 400,
        headers: {},
        body: {
          error: {
            message: 'expected { model, stream: true }',
            type: 'invalid_request_error',
            param: 'model',
            code: null,
          },
        },
      }
    }
    if (model === 'interop-busy' && !busyRefused) {
      busyRefused = true
      return { kind: 'error', status: 429, headers: { 'retry-after-ms': String(RETRY_AFTER_MS) }, body: RATE_LIMITED }
    }
    return { kind: 'stream', steps: steps(model) }
  }
  return {
    plan(authorization, body) {
      const plan = planFor(authorization, body)
      records.push({ authorization, body, status: plan.kind === 'error' ? plan.status : 200 })
      return plan
    },
  }
}

function steps(model: string): LlmStep[] {
  const out: LlmStep[] = [
    { delayMs: model === 'interop-think' ? THINK_MS : 0, data: chunk(model, { role: 'assistant', content: '' }, null) },
  ]
  ANSWER_PARTS.forEach((part, index) => {
    if (model === 'interop-break' && index === BREAK_AFTER_PARTS) out.push({ break: true })
    out.push({ delayMs: 0, data: chunk(model, { content: part }, null) })
  })
  out.push({ delayMs: 0, data: chunk(model, {}, 'stop') })
  out.push({ delayMs: 0, data: '[DONE]' })
  return model === 'interop-break' ? out.slice(0, out.findIndex((step) => 'break' in step) + 1) : out
}

function chunk(model: string, delta: Record<string, string>, finish: string | null): string {
  return JSON.stringify({
    id: 'chatcmpl-interop',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  })
}

/**
 * The events of a streamed plan, in order, each after its step's delay. A break step calls `breakConnection`
 * and ends the sequence. The consumer writes each value as one SSE event (`data: <value>`) with its library.
 */
export async function* answerEvents(steps: readonly LlmStep[], breakConnection: () => void): AsyncGenerator<string> {
  for (const step of steps) {
    if ('break' in step) {
      // Mid-answer, not mid-write: the tokens already written reach the client first (a library may still hold
      // them in a stream buffer, and destroying the socket at once would drop them with it).
      await new Promise((resolve) => setTimeout(resolve, BREAK_DELAY_MS))
      breakConnection()
      return
    }
    if (step.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, step.delayMs))
    yield step.data
  }
}

/** The JSON body of a request, or `null` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}
