/**
 * The import graph of a source folder, for the tests that keep imports pointing one way
 * (`packages/client/test/layers.test.ts`, `packages/server/test/import-cycles.test.ts`). No dependency: the
 * specifiers are read with a regular expression, which is enough for code written in this repository's style
 * (one `import`/`export … from` statement per line or a multi-line `import {` … `} from '…'`, and `import('…')`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

/** `import … from '…'`, `export … from '…'`, `} from '…'` (end of a multi-line import), `import '…'`. */
const STATIC = /^\s*(?:(?:import|export)\b[^'"]*?\bfrom\s*|\}\s*from\s*|import\s+)['"]([^'"]+)['"]/gm
/** `import('…')` (a lazy import or an import type). */
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

/**
 * Every `.ts` file under `root` (relative paths with `/`, sorted), `node_modules` left out.
 * @param {string} root
 * @returns {string[]}
 */
export function listSourceFiles(root) {
  /** @type {string[]} */
  const out = []
  const walk = (/** @type {string} */ dir) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules') continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (name.endsWith('.ts')) out.push(relative(root, path).split(sep).join('/'))
    }
  }
  walk(root)
  return out.sort()
}

/**
 * The import specifiers of one source text, in order, with their line numbers.
 * @param {string} text
 * @returns {{ specifier: string, line: number }[]}
 */
export function importSpecifiers(text) {
  /** @type {{ specifier: string, line: number, index: number }[]} */
  const found = []
  for (const pattern of [STATIC, DYNAMIC]) {
    for (const match of text.matchAll(pattern)) {
      const index = match.index + match[0].length
      found.push({ specifier: /** @type {string} */ (match[1]), index, line: text.slice(0, index).split('\n').length })
    }
  }
  return found.sort((a, b) => a.index - b.index).map(({ specifier, line }) => ({ specifier, line }))
}

/**
 * Reads the graph of every `.ts` file under `root`. Relative specifiers resolve to `x.ts` or `x/index.ts`;
 * `aliases` maps other specifiers (package `imports` such as `#platform`) to files under `root`; anything else
 * (packages, `node:` built-ins) is external and left out. An unresolvable relative specifier is kept with
 * `target: undefined`, so a test can fail on it.
 * @param {string} root
 * @param {{ aliases?: Record<string, string[]>, include?: (file: string) => boolean }} [options]
 * @returns {Map<string, { specifier: string, line: number, target: string | undefined }[]>}
 */
export function readImportGraph(root, options = {}) {
  const graph = new Map()
  for (const file of listSourceFiles(root)) {
    if (options.include && !options.include(file)) continue
    const edges = []
    for (const { specifier, line } of importSpecifiers(readFileSync(join(root, file), 'utf8'))) {
      const alias = options.aliases?.[specifier]
      if (alias) {
        for (const target of alias) edges.push({ specifier, line, target })
      } else if (specifier.startsWith('.')) {
        edges.push({ specifier, line, target: resolveRelative(root, file, specifier) })
      }
    }
    graph.set(file, edges)
  }
  return graph
}

/**
 * @param {string} root
 * @param {string} file
 * @param {string} specifier
 */
function resolveRelative(root, file, specifier) {
  const base = resolve(root, dirname(file), specifier)
  const stem = base.replace(/\.(?:js|ts)$/, '')
  for (const candidate of [`${stem}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate).split(sep).join('/')
  }
  return undefined
}

/**
 * The import cycles of a graph: every strongly connected component with more than one file, or a file that
 * imports itself (Tarjan's depth-first search), each given as one closed path through it (`a → b → a`).
 * Edges to files outside the graph are ignored.
 * @param {Map<string, readonly { target: string | undefined }[]>} graph
 * @returns {string[][]}
 */
export function findCycles(graph) {
  /** @type {Map<string, string[]>} */
  const next = new Map()
  for (const [file, edges] of graph) {
    next.set(file, [...new Set(edges.map((e) => e.target).filter((t) => t !== undefined && graph.has(t)))])
  }
  let counter = 0
  /** @type {Map<string, number>} */
  const index = new Map()
  /** @type {Map<string, number>} */
  const low = new Map()
  /** @type {string[]} */
  const stack = []
  const onStack = new Set()
  /** @type {string[][]} */
  const components = []
  const visit = (/** @type {string} */ v) => {
    index.set(v, counter)
    low.set(v, counter++)
    stack.push(v)
    onStack.add(v)
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (low.get(w))))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (index.get(w))))
      }
    }
    if (low.get(v) === index.get(v)) {
      /** @type {string[]} */
      const component = []
      let w
      do {
        w = /** @type {string} */ (stack.pop())
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || next.get(v)?.includes(v)) components.push(component)
    }
  }
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file)
  return components.map((component) => closedPath(component, next))
}

/**
 * A shortest closed path through the component's first file (sorted), staying inside the component.
 * @param {string[]} component
 * @param {Map<string, string[]>} next
 */
function closedPath(component, next) {
  const members = new Set(component)
  const start = /** @type {string} */ ([...component].sort()[0])
  /** @type {Map<string, string>} */
  const parent = new Map()
  const queue = [start]
  while (queue.length > 0) {
    const v = /** @type {string} */ (queue.shift())
    for (const w of next.get(v) ?? []) {
      if (!members.has(w)) continue
      if (w === start) {
        const path = [start]
        for (let u = v; u !== start; u = /** @type {string} */ (parent.get(u))) path.splice(1, 0, u)
        return [...path, start]
      }
      if (!parent.has(w)) {
        parent.set(w, v)
        queue.push(w)
      }
    }
  }
  return [start, start]
}
