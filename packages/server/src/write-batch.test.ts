import { describe, expect, it } from 'vitest'
import { joinWriteBatch, writeBatch, type Corkable } from './write-batch'

/** A socket that only counts corks, like net.Socket's `writableCorked`. */
function fakeSocket(): Corkable & { uncorks: number } {
  const s = {
    writableCorked: 0,
    uncorks: 0,
    cork: () => void (s.writableCorked += 1),
    uncork: () => {
      s.writableCorked -= 1
      s.uncorks += 1
    },
  }
  return s
}

describe('write batches', () => {
  it('outside a batch a write corks nothing', () => {
    const socket = fakeSocket()
    joinWriteBatch(socket)
    expect(socket.writableCorked).toBe(0)
  })

  it('inside a batch each socket is corked once, and every one is uncorked when the batch ends', () => {
    const a = fakeSocket()
    const b = fakeSocket()
    writeBatch(() => {
      joinWriteBatch(a)
      joinWriteBatch(b)
      joinWriteBatch(a)
      writeBatch(() => joinWriteBatch(b)) // a nested batch joins the outer one
      expect([a.writableCorked, b.writableCorked]).toEqual([1, 1])
    })
    expect([a.writableCorked, b.writableCorked, a.uncorks, b.uncorks]).toEqual([0, 0, 1, 1])
  })

  it('leaves a socket someone else corked to them, and uncorks its own even when delivery throws', () => {
    const theirs = fakeSocket()
    theirs.cork()
    const ours = fakeSocket()
    expect(() =>
      writeBatch(() => {
        joinWriteBatch(theirs)
        joinWriteBatch(ours)
        throw new Error('a listener failed')
      }),
    ).toThrow('a listener failed')
    expect([theirs.writableCorked, ours.writableCorked]).toEqual([1, 0])
  })
})
