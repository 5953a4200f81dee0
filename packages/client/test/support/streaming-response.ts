/** An open `text/event-stream` Response the test writes to, for fetch-based SSE tests. */
import { type Mock, vi } from 'vitest'

/** A response the test drives: push bytes, end or error the body; `cancel` is called if the reader cancels it. */
export interface StreamingResponse {
  response: Response
  push(bytes: Uint8Array): void
  end(): void
  error(e: unknown): void
  cancel: Mock
}

/**
 * A 200 `text/event-stream; charset=utf-8` response whose body stays open until the test ends or errors it;
 * `init` overrides status and headers (its `headers` replace the default ones). `cancel` records the reader
 * cancelling the body.
 */
export function streamingResponse(init: ResponseInit = {}): StreamingResponse {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const cancel = vi.fn()
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c
    },
    cancel,
  })
  const response = new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    ...init,
  })
  return {
    response,
    push: (bytes: Uint8Array) => controller.enqueue(bytes),
    end: () => controller.close(),
    error: (e: unknown) => controller.error(e),
    cancel,
  }
}
