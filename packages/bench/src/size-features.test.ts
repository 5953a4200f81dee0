import { describe, expect, it } from 'vitest'
import { measureEntry, SWITCHLINE_ENTRIES, type SizeResult } from './size'
import { FEATURE_AREAS, featureShares } from './size-features'

const result = (byPackage: Record<string, number>, gzipBytes: number): SizeResult => ({
  id: 'x',
  label: 'x',
  switchline: true,
  ok: true,
  gzipBytes,
  byPackage,
})

describe('featureShares', () => {
  it('sums minified bytes per area and shares the gzip total pro rata, largest first', () => {
    const shares = featureShares(
      result(
        {
          '@switchline/client: src/raw/raw-ws.ts': 300,
          '@switchline/client: src/raw/subscribe.ts': 100,
          '@switchline/client: src/core/errors.ts': 600,
        },
        500,
      ),
    )
    expect(shares).toEqual([
      { area: 'Errors and their retry/stop classification', minifiedBytes: 600, gzipBytesEstimate: 300 },
      { area: 'Raw `subscribe(url)` for any SSE / WebSocket server', minifiedBytes: 400, gzipBytesEstimate: 200 },
    ])
  })

  it('puts an input it does not know under "other", so the rows still add up', () => {
    const shares = featureShares(result({ 'some-dep': 10, '@switchline/client: src/new-file.ts': 30 }, 20))
    expect(shares.map((s) => s.area)).toEqual(['other (new-file.ts)', 'other (some-dep)'])
    expect(shares.reduce((sum, s) => sum + s.minifiedBytes, 0)).toBe(40)
  })

  it('returns nothing for a failed build', () => {
    expect(featureShares({ id: 'x', label: 'x', switchline: true, ok: false, error: 'boom' })).toEqual([])
  })

  it('knows every client file that reaches a Switchline browser bundle (a new file must be given an area)', async () => {
    for (const entry of SWITCHLINE_ENTRIES) {
      const measured = await measureEntry(entry)
      expect(measured.ok).toBe(true)
      const unknown = featureShares(measured).filter((s) => s.area.startsWith('other'))
      expect([entry.id, unknown]).toEqual([entry.id, []])
    }
  })

  it('lists each file in one area only', () => {
    const files = FEATURE_AREAS.flatMap((a) => a.files)
    expect(new Set(files).size).toBe(files.length)
  })
})
