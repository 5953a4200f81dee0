#!/usr/bin/env node
// Bundles a TypeScript entry of the bench with esbuild and runs it in this process.
//
//   node scripts/esrun.mjs src/run.ts [args…]
//
// Workspace packages (@switchline/*) are bundled from source (the `@switchline/source` export condition), so the bench
// never needs their `dist/`. Every other bare import stays external, pinned to the absolute file esbuild
// resolved, so Node loads exactly the copy the workspace package itself would get.
import { build } from 'esbuild'
import { builtinModules } from 'node:module'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const pkgRoot = resolve(here, '..')

/** @param {string} entry @returns {Promise<string>} the bundled file */
export async function bundleNode(entry) {
  const outfile = join(pkgRoot, 'dist', basename(entry).replace(/\.ts$/, '.mjs'))
  const builtins = new Set(builtinModules)
  const SKIP = Symbol('skip')
  await build({
    entryPoints: [resolve(pkgRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@switchline/source'],
    sourcemap: 'linked',
    logLevel: 'warning',
    // CommonJS code bundled into ESM (rare here) gets a real `require`.
    banner: {
      js: "import { createRequire as __slCreateRequire } from 'node:module'; const require = __slCreateRequire(import.meta.url);",
    },
    plugins: [
      {
        name: 'bench-externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.pluginData === SKIP) return undefined
            if (args.path.startsWith('#')) return undefined // a package's own subpath imports (`#platform`): bundle
            const bare = args.path.replace(/^node:/, '')
            if (builtins.has(bare) || builtins.has(bare.split('/')[0] ?? '')) return { path: args.path, external: true }
            const result = await b.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: SKIP,
            })
            if (result.errors.length > 0) return { errors: result.errors }
            if (args.path.startsWith('@switchline/')) return { path: result.path } // bundled from source
            return { path: pathToFileURL(result.path).href, external: true }
          })
        },
      },
    ],
  })
  return outfile
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const entry = process.argv[2]
  if (!entry) {
    console.error('usage: node scripts/esrun.mjs <entry.ts> [args…]')
    process.exit(2)
  }
  const outfile = await bundleNode(entry)
  process.argv.splice(1, 2, outfile) // the bundle sees its own path as argv[1], then its arguments
  await import(pathToFileURL(outfile).href)
}
