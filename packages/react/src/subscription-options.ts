/** What the hooks hand `subscribe`: the app's options less the hook's own, plus the store's handlers and cursor. */

/** The default fold: the data is the latest event. */
export const latestEvent = <T>(_data: unknown, event: T): T => event

const HOOK_ONLY = new Set(['enabled', 'reduce', 'initial', 'onEvent', 'onState', 'onGap', 'onError', 'signal'])

/**
 * The subscription options of a hook's options: the hook's own (`enabled`, `reduce`, `initial`), the app's
 * callbacks (the store calls them) and `undefined` members dropped; the store's `handlers` and the resume cursor
 * added.
 */
export function subscriptionOptions<O extends object>(
  options: O,
  handlers: object,
  lastEventId: string | undefined,
): O {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !HOOK_ONLY.has(name)) out[name] = value
  }
  if (lastEventId !== undefined) out.lastEventId = lastEventId
  return { ...out, ...handlers } as O
}
