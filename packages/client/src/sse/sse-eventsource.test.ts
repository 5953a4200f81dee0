import { beforeEach, describe, expect, it } from 'vitest'
import { FakeEventSource, FakeEventSourceConstructor } from '../../test/fakes/eventsource'
import { fakePlatform } from '../../test/fakes/platform'
import { sseHandlers, sseRequest } from '../../test/support/sse-attempt'
import { openEventSourceSse } from './sse-eventsource'

describe('openEventSourceSse', () => {
  beforeEach(() => FakeEventSource.reset())
  const platform = fakePlatform({ EventSource: FakeEventSourceConstructor })

  it('listens for message + named events and reports ids only when they change', () => {
    const h = sseHandlers()
    openEventSourceSse(sseRequest({ eventNames: ['tick', 'message'], withCredentials: true }), h, platform)
    const source = FakeEventSource.last
    expect(source.init).toEqual({ withCredentials: true })
    expect([...source.listeners.keys()]).toEqual(['message', 'tick'])
    source.open()
    expect(h.onOpen).toHaveBeenCalledOnce()
    source.emit('tick', '1', 'a')
    source.emit('message', '2') // inherits lastEventId 'a': no id of its own
    source.emit('message', '3', 'b')
    expect(h.onEvent.mock.calls.map((c) => c[0])).toEqual([
      { id: 'a', event: 'tick', data: '1' },
      { id: undefined, event: 'message', data: '2' },
      { id: 'b', event: 'message', data: '3' },
    ])
    expect(h.onActivity).toHaveBeenCalledTimes(4)
    expect(h.onId.mock.calls.map((c) => c[0])).toEqual(['a', 'b'])
  })

  it("reports an id changed to '' (an empty `id:` field) through onId, so the owner's cursor resets", () => {
    const h = sseHandlers()
    openEventSourceSse(sseRequest(), h, platform)
    const source = FakeEventSource.last
    source.open()
    source.emit('message', '1', 'a')
    source.emit('message', '2', '')
    expect(h.onId.mock.calls.map((c) => c[0])).toEqual(['a', ''])
    expect(h.onEvent.mock.calls.map((c) => (c[0] as { id: unknown }).id)).toEqual(['a', ''])
  })

  it('closes itself on error: network before/after open is retryable', () => {
    const h = sseHandlers()
    openEventSourceSse(sseRequest(), h, platform)
    FakeEventSource.last.fail()
    expect(FakeEventSource.last.closed).toBe(true)
    expect(h.onClose.mock.calls[0]?.[0]).toMatchObject({ code: 'network', fatal: false })

    const h2 = sseHandlers()
    openEventSourceSse(sseRequest(), h2, platform)
    FakeEventSource.last.open()
    FakeEventSource.last.fail()
    expect(h2.onClose.mock.calls[0]?.[0].message).toContain('lost')
  })

  it('classifies a status exposed by the eventsource package (error.code)', () => {
    const h = sseHandlers()
    openEventSourceSse(sseRequest(), h, platform)
    FakeEventSource.last.fail({ code: 204, message: 'Server sent HTTP 204' }, 2)
    expect(h.onClose.mock.calls[0]?.[0]).toMatchObject({ code: 'http_status', fatal: true, status: 204 })
    const h2 = sseHandlers()
    openEventSourceSse(sseRequest(), h2, platform)
    FakeEventSource.last.fail({ code: 200, message: 'Invalid content type' }, 2)
    expect(h2.onClose.mock.calls[0]?.[0]).toMatchObject({ code: 'content_type', fatal: true })
    const h3 = sseHandlers()
    openEventSourceSse(sseRequest(), h3, platform)
    FakeEventSource.last.fail({ code: 503, message: 'Non-200 status code (503)' }, 2)
    expect(h3.onClose.mock.calls[0]?.[0]).toMatchObject({ code: 'http_status', fatal: false })
  })

  it('close() fires nothing more', () => {
    const h = sseHandlers()
    const attempt = openEventSourceSse(sseRequest(), h, platform)
    const source = FakeEventSource.last
    attempt.close()
    attempt.close()
    expect(source.closed).toBe(true)
    source.emit('message', 'late', 'x')
    source.fail()
    expect(h.onEvent).not.toHaveBeenCalled()
    expect(h.onClose).not.toHaveBeenCalled()
  })

  it('throws invalid_options without an EventSource', () => {
    expect(() => openEventSourceSse(sseRequest(), sseHandlers(), fakePlatform())).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    )
  })
})
