import { describe, expect, it } from 'vitest'
import { parseConfig } from './config'
import type { BenchResults } from './report'
import { mergeResults } from './report-merge'

const results = (argv: string[], date: string, extra: Partial<BenchResults>): BenchResults => ({
  command: `pnpm bench ${argv.join(' ')}`.trim(),
  quick: false,
  machine: { cpuModel: 'x', cores: 2, memoryGiB: 1, node: 'v20', platform: 'linux', date, loadAverage: { start: 1 } },
  config: parseConfig(argv),
  wallSeconds: 1,
  errors: {},
  ...extra,
})

describe('mergeResults', () => {
  it('a partial run replaces its own sections and keeps the others, naming the run they come from', () => {
    const previous = results([], 'then', {
      size: [],
      latency: [],
      errors: { latency: 'old failure', fanout: 'old fan-out failure' },
    })
    const current = results(['--only=fanout'], 'now', {
      fanout: { config: parseConfig([]).fanout, date: 'now', loadAverage: { start: 1, end: 1 }, rows: [] },
    })
    const merged = mergeResults(previous, current)
    expect(merged.fanout).toBe(current.fanout)
    expect(merged.size).toBe(previous.size)
    expect(merged.latency).toBe(previous.latency)
    expect(merged.errors).toEqual({ latency: 'old failure' })
    expect(merged.keptFrom).toEqual({ command: 'pnpm bench', date: 'then', sections: ['size', 'latency'] })
  })
})
