/**
 * `pnpm size`: the CI size budget. Builds the Switchline browser entries (the client's three, and
 * `@switchline/react` alone) and fails (exit 1) when one is over its gzip ceiling in
 * `packages/bench/size-budget.json` (a regression guard, tightened as the code shrinks).
 * The goal from issue 5 (`targetGzipBytes`) is reported on every run, met or not. No network, a few seconds.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { measureSizes, PKG_ROOT, SWITCHLINE_ENTRIES } from './size'
import { featureShares } from './size-features'

interface Budget {
  /** Gzip ceiling in bytes, per entry id: over it, the check fails. */
  gzipBytes: Record<string, number>
  /** The size goal in bytes, per entry id: reported, not enforced until it is met (then it becomes the ceiling). */
  targetGzipBytes?: Record<string, number>
}

const budgetPath = resolve(PKG_ROOT, 'size-budget.json')
const budget = JSON.parse(readFileSync(budgetPath, 'utf8')) as Budget
const results = await measureSizes(SWITCHLINE_ENTRIES)
const failures: string[] = []

for (const r of results) {
  const limit = budget.gzipBytes[r.id]
  if (!r.ok) {
    failures.push(`${r.id}: the entry did not build: ${r.error}`)
    continue
  }
  const gz = r.gzipBytes as number
  const line = `${r.id.padEnd(26)} ${String(gz).padStart(6)} B gzip  ${String(r.brotliBytes).padStart(6)} B brotli  ${String(r.rawBytes).padStart(7)} B min`
  if (limit === undefined) {
    console.log(`${line}   (no budget)`)
  } else if (gz > limit) {
    console.log(`${line}   OVER budget ${limit} B by ${gz - limit} B`)
    const top = Object.entries(r.byPackage ?? {})
      .slice(0, 5)
      .map(([k, v]) => `${k} ${v} B`)
      .join(', ')
    failures.push(
      `${r.id}: ${gz} B gzip is over the budget of ${limit} B (+${gz - limit} B). Largest inputs (minified): ${top}`,
    )
  } else {
    console.log(`${line}   ok (budget ${limit} B, ${limit - gz} B left)`)
  }
  const target = budget.targetGzipBytes?.[r.id]
  if (target !== undefined) {
    const verdict = gz <= target ? 'met' : `NOT met, ${gz - target} B to go`
    console.log(`${' '.repeat(26)} goal ${target} B gzip: ${verdict}`)
    // A single-stream entry that misses its goal shows what it is made of (the full client's breakdown is `pnpm bench`'s).
    if (gz > target && r.id !== 'switchline-full') {
      for (const s of featureShares(r).slice(0, 8)) {
        console.log(`${' '.repeat(28)}${String(s.gzipBytesEstimate).padStart(5)} B gzip (est.)  ${s.area}`)
      }
    }
  }
}

if (failures.length > 0) {
  console.error(`\nsize budget FAILED (${budgetPath}):\n  - ${failures.join('\n  - ')}`)
  process.exit(1)
}
console.log('\nsize budget ok')
