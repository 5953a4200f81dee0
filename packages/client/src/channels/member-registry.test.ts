import { describe, expect, it } from 'vitest'
import { createCursorTracker } from '../core/dedupe'
import { createMemberRegistry } from './member-registry'
import type { ChannelMember } from './session-types'

const member = (channel: string, initialCursor?: string): ChannelMember =>
  ({ channel, initialCursor }) as unknown as ChannelMember

describe('createMemberRegistry', () => {
  it('groups members by channel and says when a channel is new or emptied', () => {
    const registry = createMemberRegistry()
    const a1 = member('a')
    const a2 = member('a')
    const b = member('b')
    expect(registry.add(a1)).toBe(true)
    expect(registry.add(a2)).toBe(false)
    expect(registry.add(b)).toBe(true)
    expect(registry.size).toBe(2)
    expect(registry.channels()).toEqual(['a', 'b'])
    expect(registry.named('a')).toEqual([a1, a2])
    expect(registry.remove(a1)).toBe(true)
    expect(registry.remove(a1)).toBe(false)
    expect(registry.hasChannel('a')).toBe(true)
    expect(registry.remove(a2)).toBe(true)
    expect(registry.hasChannel('a')).toBe(false)
    expect(registry.named('a')).toEqual([])
    expect(registry.has(b)).toBe(true)
    expect(registry.size).toBe(1)
  })

  it('iterates over a copy, so callbacks may remove members', () => {
    const registry = createMemberRegistry()
    const members = [member('a'), member('a'), member('b')]
    for (const m of members) registry.add(m)
    const seen: ChannelMember[] = []
    registry.each((m) => {
      seen.push(m)
      registry.remove(m)
    })
    expect(seen).toEqual(members)
    expect(registry.size).toBe(0)
  })

  it('delivers to who was there when the event came, while members add and remove members', () => {
    const registry = createMemberRegistry()
    const heard: string[] = []
    const late = { channel: 'a', deliver: () => heard.push('late') } as unknown as ChannelMember
    const second = { channel: 'a', deliver: () => heard.push('second') } as unknown as ChannelMember
    const first = {
      channel: 'a',
      deliver: () => {
        heard.push('first')
        registry.remove(second)
        registry.add(late)
      },
    } as unknown as ChannelMember
    registry.add(first)
    registry.add(second)
    registry.add(second)
    registry.deliver('a', 1, { id: undefined, channel: 'a', event: 'message', transport: 'sse' })
    expect(heard).toEqual(['first', 'second'])
    expect(registry.named('a')).toEqual([first, late])
    registry.remove(first)
    registry.deliver('a', 2, { id: undefined, channel: 'a', event: 'message', transport: 'sse' })
    registry.deliver('none', 3, { id: undefined, channel: 'none', event: 'message', transport: 'sse' })
    expect(heard).toEqual(['first', 'second', 'late'])
    expect(registry.has(late)).toBe(true)
    expect(registry.has(first)).toBe(false)
  })

  it("resumes a channel from the tracker's cursor, else its first member's", () => {
    const registry = createMemberRegistry()
    const tracker = createCursorTracker()
    registry.add(member('a', 'e-3'))
    registry.add(member('a', 'e-9'))
    expect(registry.cursorFor('a', tracker)).toBe('e-3')
    tracker.set('a', 'e-5')
    expect(registry.cursorFor('a', tracker)).toBe('e-5')
    expect(registry.cursorFor('none', tracker)).toBeUndefined()
  })

  it('clear() forgets every member and returns them', () => {
    const registry = createMemberRegistry()
    const members = [member('a'), member('b')]
    for (const m of members) registry.add(m)
    expect(registry.clear()).toEqual(members)
    expect(registry.size).toBe(0)
  })
})
