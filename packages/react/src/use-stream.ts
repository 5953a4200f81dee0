/** `useStream(url, options)`: one raw stream (`subscribe(url)` of `@switchline/client`), as React state. */
import { subscribe } from '@switchline/client'
import type { OpenHandlers } from './stream-store'
import type { ReduceOptions, StreamHookOptions, StreamResult } from './types'
import { latestEvent, subscriptionOptions } from './subscription-options'
import { useStreamStore } from './use-store'

/**
 * Subscribes a component to one stream from any SSE or WebSocket endpoint for as long as it is mounted (the raw
 * form: `subscribe(url, options)`), and returns the latest event's data (or, with `reduce`, the fold of every
 * event), the state, transport, last event id and error, and `send` (WebSocket endpoints).
 *
 * - `url` `null` or `undefined` opens nothing, as does `enabled: false`.
 * - Reopens when `url`, `transport` or `enabled` change (the data starts again from `initial`). Other options
 *   (`headers`, `body`, `token`, …) are read when the stream opens; callbacks and `reduce` are always the latest.
 * - StrictMode's double mount opens one connection; an unmount closes it. Server rendering connects nothing.
 *
 * @example
 * function Answer({ prompt }: { prompt: string }) {
 *   const { data, state } = useStream<string, string>('/v1/complete', {
 *     method: 'POST', body: { prompt }, format: 'text', done: '[DONE]', reconnect: false,
 *     initial: '', reduce: (text, chunk) => text + chunk,
 *   })
 *   return <p aria-busy={state !== 'closed'}>{data}</p>
 * }
 */
export function useStream<T = unknown, D = T>(
  url: string | null | undefined,
  options: StreamHookOptions<T> & ReduceOptions<T, D>,
): StreamResult<D>
export function useStream<T = unknown>(
  url: string | null | undefined,
  options: StreamHookOptions<T> & { initial: T; reduce?: undefined },
): StreamResult<T>
export function useStream<T = unknown>(
  url: string | null | undefined,
  options?: StreamHookOptions<T> & { initial?: undefined; reduce?: undefined },
): StreamResult<T | undefined>
export function useStream(url: string | null | undefined, hookOptions: object = {}): unknown {
  const options = hookOptions as StreamHookOptions<unknown> & Partial<ReduceOptions<unknown, unknown>>
  const enabled = options.enabled !== false && url != null
  const [snapshot, store] = useStreamStore<unknown, unknown, unknown>(
    {
      open: (handlers: OpenHandlers<unknown>, lastEventId) =>
        subscribe(url as string, subscriptionOptions(options, handlers, lastEventId ?? options.lastEventId)),
      initial: options.initial,
      reduce: options.reduce ?? latestEvent,
      callbacks: options,
      enabled,
    },
    [url, options.transport, enabled],
  )
  return { ...snapshot, send: store.send }
}
