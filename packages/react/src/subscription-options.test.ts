import { expect, it } from 'vitest'
import { latestEvent, subscriptionOptions } from './subscription-options'

it('keeps the subscription options, drops the hook’s own and undefined ones, adds the handlers and the cursor', () => {
  const onEvent = (): void => {}
  const handlers = { onEvent: () => {}, onState: () => {}, onGap: () => {}, onError: () => {} }
  const out = subscriptionOptions(
    {
      key: 'a',
      transport: 'sse',
      enabled: true,
      initial: [],
      reduce: () => [],
      onEvent,
      schema: undefined,
      lastEventId: 'old',
    },
    handlers,
    'e-9',
  )
  expect(out).toEqual({ key: 'a', transport: 'sse', lastEventId: 'e-9', ...handlers })
  expect(out.onEvent).toBe(handlers.onEvent)
  expect(subscriptionOptions({ lastEventId: 'given' }, {}, undefined)).toEqual({ lastEventId: 'given' })
})

it('the default fold keeps the latest event', () => {
  expect(latestEvent({ n: 1 }, { n: 2 })).toEqual({ n: 2 })
})
