/**
 * A profiling aid for SDK authors (not part of `pnpm bench`): runs one throughput receiver for a while so that
 * `node --cpu-prof` captures its hot path, then prints the top self-time functions with the source file they
 * were bundled from.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/esrun.mjs src/profile.ts switchline-ws 64 300000
 *   node scripts/esrun.mjs src/profile.ts --summarize /tmp/prof/<file>.cpuprofile
 */
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { startServerProcess } from './ctl'
import { RECEIVERS } from './receivers'
import { serverChildMain } from './server-child'
import { measureOnce } from './throughput'

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[]
  startTime: number
  endTime: number
  samples: number[]
}

/** Maps a line of the esbuild bundle to the module it came from (esbuild writes `// path` before each module). */
function moduleIndex(bundlePath: string): (line: number) => string {
  const lines = readFileSync(bundlePath, 'utf8').split('\n')
  const starts: [number, string][] = []
  lines.forEach((l, i) => {
    const m = /^\/\/ (\.\.\/.*|src\/.*|.*node_modules.*)$/.exec(l)
    if (m) starts.push([i, m[1] as string])
  })
  return (line) => {
    let name = '?'
    for (const [i, n] of starts) {
      if (i > line) break
      name = n
    }
    return name.replace(/^\.\.\//, '').replace(/^.*node_modules\//, 'node_modules/')
  }
}

function summarize(file: string, top = 30): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const total = profile.samples.length
  const bundles = new Map<string, (line: number) => string>()
  const self = new Map<string, number>()
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (!hits) continue
    const { functionName, url, lineNumber } = node.callFrame
    let where = url.replace(/^file:\/\//, '').replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    if (url.endsWith('.mjs') && url.includes('/packages/bench/dist/')) {
      const path = fileURLToPath(url)
      if (!bundles.has(path)) bundles.set(path, moduleIndex(path))
      where = (bundles.get(path) as (line: number) => string)(lineNumber)
    }
    const key = `${functionName || '(anonymous)'}  ${where}`
    self.set(key, (self.get(key) ?? 0) + hits)
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
  console.log(`${total} samples, ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`)
  for (const [k, v] of rows) console.log(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
}

const args = process.argv.slice(2)
if (args[0] === '--child=server') {
  // The server child, forked from this same bundle below (as run.ts does), so it is always built fresh.
  await serverChildMain()
} else if (args[0] === '--summarize') {
  const target = args[1] as string
  const file = target.endsWith('.cpuprofile')
    ? target
    : resolve(
        target,
        readdirSync(target)
          .filter((f) => f.endsWith('.cpuprofile'))
          .sort()
          .at(-1) as string,
      )
  summarize(file, Number(args[2] ?? 30))
} else {
  const [id = 'switchline-ws', size = '64', total = '300000'] = args
  const r = RECEIVERS.find((x) => x.id === id)
  if (!r) throw new Error(`unknown receiver ${id}; one of ${RECEIVERS.map((x) => x.id).join(', ')}`)
  const server = await startServerProcess(fileURLToPath(import.meta.url))
  let left = Number(total)
  while (left > 0) {
    const n = Math.min(left, 100_000)
    const s = await measureOnce(r, { info: server.info, ctl: server.ctl, size: Number(size), n, timeoutMs: 60_000 })
    console.log(`${id} ${size} B: ${Math.round(s.msgPerSec)} msg/s, ${s.cpuUsPerMsg.toFixed(2)} µs CPU/msg`)
    left -= n
  }
  await server.stop()
}
