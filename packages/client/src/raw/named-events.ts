/**
 * Named-event handlers of a subscription (`on(name, handler)` / `off`), kept in a `mitt` emitter that the
 * subscription core creates on the first `on()`. The core dispatches itself, over a copy of the name's list and
 * one guarded call per handler, so a throwing handler cannot stop the others (mitt's own `emit` would) and
 * handlers get `(data, meta)` as `onEvent` does.
 */
import mitt, { type Emitter, type Handler } from 'mitt'
import { invalidOptions } from '../core/errors'
import type { EventMeta, NamedEventHandler } from '../types'

/** The handlers by event name. */
export type NamedHandlers = Emitter<Record<string, unknown>>

/** A handler as the core stores and calls it. */
type AnyHandler = NamedEventHandler<unknown>

/** An empty emitter (mitt, ~200 B). */
export const createNamedHandlers: () => NamedHandlers = mitt

/** Throws `invalid_options` unless `name` is a string and `handler` a function (a typo in plain JS fails at once). */
export function checkNamedHandler(method: 'on' | 'off', name: unknown, handler: unknown, optional: boolean): void {
  if (typeof name !== 'string' || (typeof handler !== 'function' && !(optional && handler === undefined))) {
    throw invalidOptions(
      `${method}(${typeof name}, ${typeof handler}): takes an event name (string) and a handler (function)`,
    )
  }
}

/** Adds `handler` for `name`; the returned function removes this registration once (later calls do nothing). */
export function addNamedHandler(handlers: NamedHandlers, name: string, handler: AnyHandler): () => void {
  handlers.on(name, handler as Handler)
  let added = true
  return () => {
    if (!added) return
    added = false
    removeNamedHandler(handlers, name, handler)
  }
}

/**
 * The handlers of `meta.event`, copied (one removed by an earlier handler still gets this event, one added does
 * not), or `undefined` when there are none.
 */
export function handlersOf(handlers: NamedHandlers | undefined, meta: EventMeta): AnyHandler[] | undefined {
  // (A name's list is never empty: removeNamedHandler drops a name with its last handler.)
  return handlers?.all.get(meta.event)?.slice() as AnyHandler[] | undefined
}

/**
 * Removes one registration of `handler` from `name`, or every handler of `name` when none is given. A name left
 * with no handler leaves the map too (mitt's `off` keeps an empty list, one per name ever used: unbounded with
 * per-request names).
 */
export function removeNamedHandler(handlers: NamedHandlers, name: string, handler: AnyHandler | undefined): void {
  handlers.off(name, handler as Handler | undefined)
  if (handlers.all.get(name)?.length === 0) handlers.all.delete(name)
}
