/** Merging a partial run (`pnpm bench --only=…`) into the results of the last written one. */
import type { BenchResults } from './report'

/** The result sections a run can leave out (`--only`), by the results key that holds each. */
const SECTIONS = ['size', 'throughput', 'stormSim', 'latency', 'memory', 'stormReal', 'browser', 'fanout'] as const

/**
 * Merges a partial run into the previous results: the sections it measured replace the old ones, the others (and
 * their errors) are kept and named in `keptFrom`, so `pnpm bench --only=fanout` does not erase the rest.
 */
export function mergeResults(previous: BenchResults, current: BenchResults): BenchResults {
  // The previous run's key order first, so that the rewritten file differs only where the results do.
  const measured = Object.fromEntries(Object.entries(current).filter(([, value]) => value !== undefined))
  const merged: BenchResults = { ...previous, ...measured, errors: { ...current.errors } }
  delete merged.keptFrom
  const kept = SECTIONS.filter((key) => current[key] === undefined && previous[key] !== undefined)
  for (const [name, error] of Object.entries(previous.errors)) {
    if (!current.config.only.includes(name as never)) merged.errors[name] ??= error
  }
  if (kept.length > 0)
    merged.keptFrom = {
      command: previous.keptFrom?.command ?? previous.command,
      date: previous.keptFrom?.date ?? previous.machine.date,
      sections: kept,
    }
  return merged
}
