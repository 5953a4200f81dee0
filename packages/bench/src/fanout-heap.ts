/**
 * A profiling aid for the fan-out (not part of `pnpm bench`): what one idle server-side connection keeps on the
 * heap, by constructor. Starts one contender's server child, takes a heap snapshot with 10 subscribers and another
 * with `n`, and prints the difference per connection (self sizes, largest first).
 *
 *   node scripts/esrun.mjs src/fanout-heap.ts sl-ws 500
 *   node scripts/esrun.mjs src/fanout-heap.ts sl-sse 500 '--retainers=array:(object elements)'
 */
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startChild, stopChild } from './fanout'
import { fanoutChildMain } from './fanout-server'
import type { FanoutContenderId } from './fanout-shared'
import { createSubscribers } from './fanout-subscribers'
import { startRedis } from './redis-process'
import { tick } from './wait'

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } }
  nodes: number[]
  edges: number[]
  strings: string[]
}

/** `type:name` of the node at `index` (the label the tables use). */
function labelOf(snap: Snapshot, index: number): string {
  const fields = snap.snapshot.meta.node_fields
  const type = snap.snapshot.meta.node_types[0][snap.nodes[index + fields.indexOf('type')] as number] ?? '?'
  const name = type.includes('string')
    ? ''
    : (snap.strings[snap.nodes[index + fields.indexOf('name')] as number] ?? '?').slice(0, 60)
  return `${type}:${name}`
}

/** How nodes labelled `label` are held: `retainer label --edge-->`, counted, in the snapshot `file`. */
function retainersOf(file: string, label: string): Map<string, number> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const {
    node_fields: nf,
    edge_fields: ef,
    edge_types: [edgeTypes],
  } = snap.snapshot.meta
  const edgeCountAt = nf.indexOf('edge_count')
  const out = new Map<string, number>()
  let edge = 0
  for (let i = 0; i < snap.nodes.length; i += nf.length) {
    const count = snap.nodes[i + edgeCountAt] as number
    for (let e = 0; e < count; e++, edge += ef.length) {
      const to = snap.edges[edge + ef.indexOf('to_node')] as number
      if (labelOf(snap, to) !== label) continue
      const type = edgeTypes[snap.edges[edge + ef.indexOf('type')] as number]
      const nameOrIndex = snap.edges[edge + ef.indexOf('name_or_index')] as number
      const name = type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : snap.strings[nameOrIndex]
      if (type === 'weak') continue
      const key = `${labelOf(snap, i)} --${name}-->`
      out.set(key, (out.get(key) ?? 0) + 1)
    }
  }
  return out
}

/** Self size and count per `type:name` of a heap snapshot file. */
function byConstructor(file: string): Map<string, { size: number; count: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ]
  const out = new Map<string, { size: number; count: number }>()
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt] as number] ?? '?'
    const name =
      type === 'string' || type === 'concatenated string' || type === 'sliced string'
        ? ''
        : (snap.strings[snap.nodes[i + nameAt] as number] ?? '?').slice(0, 60)
    const key = `${type}:${name}`
    const entry = out.get(key) ?? { size: 0, count: 0 }
    entry.size += snap.nodes[i + sizeAt] as number
    entry.count += 1
    out.set(key, entry)
  }
  return out
}

if (process.argv.includes('--child=fanout')) {
  await fanoutChildMain()
} else {
  const [contender = 'sl-ws', nRaw = '500'] = process.argv.slice(2).filter((a) => !a.startsWith('--'))
  const n = Number(nRaw)
  const redis = contender.endsWith('-redis') ? await startRedis() : undefined
  const { child, baseUrl, request } = await startChild(fileURLToPath(import.meta.url), {
    contender: contender as FanoutContenderId,
    ...(redis ? { redisUrl: redis.url } : {}),
  })
  const subs = createSubscribers(contender as FanoutContenderId, baseUrl)
  const before = join(tmpdir(), `fanout-heap-${process.pid}-a.heapsnapshot`)
  const after = join(tmpdir(), `fanout-heap-${process.pid}-b.heapsnapshot`)
  try {
    await subs.open(10, 30_000)
    await request({ op: 'snapshot', path: before }, 'snapshot')
    await subs.open(n - 10, 60_000)
    await tick(300)
    await request({ op: 'snapshot', path: after }, 'snapshot')
    const a = byConstructor(before)
    const b = byConstructor(after)
    const rows = [...b].map(([key, v]) => {
      const old = a.get(key) ?? { size: 0, count: 0 }
      return { key, size: (v.size - old.size) / (n - 10), count: (v.count - old.count) / (n - 10) }
    })
    rows.sort((x, y) => y.size - x.size)
    const total = rows.reduce((sum, r) => sum + r.size, 0)
    console.log(`${contender}: ${total.toFixed(0)} B per connection (self sizes), largest:`)
    for (const r of rows.slice(0, 40))
      console.log(`${r.size.toFixed(0).padStart(6)} B  ${r.count.toFixed(2).padStart(6)}×  ${r.key}`)
    // --retainers=<type:name>: what holds the nodes of that label, per connection
    const label = process.argv.find((a) => a.startsWith('--retainers='))?.slice('--retainers='.length)
    if (label) {
      const held = retainersOf(after, label)
      const base = retainersOf(before, label)
      const diff = [...held]
        .map(([k, v]) => [k, (v - (base.get(k) ?? 0)) / (n - 10)] as const)
        .filter(([, v]) => v > 0.5)
      for (const [k, v] of diff.sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${v.toFixed(2)}×  ${k}`)
    }
  } finally {
    subs.close()
    await stopChild(child)
    await redis?.stop()
    rmSync(before, { force: true })
    rmSync(after, { force: true })
  }
  process.exit(0)
}
