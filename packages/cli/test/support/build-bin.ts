/**
 * Global setup: the tests run the built bin (`dist/cli.js`) as a child process, so build it when it is missing or
 * older than a source file, and build `@switchline/client` (what the bin imports) when its `dist` is missing.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const clientDir = join(cliDir, '..', 'client')

function newestSource(): number {
  const files = readdirSync(join(cliDir, 'src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  return Math.max(
    ...[...files.map((f) => join(cliDir, 'src', f)), join(cliDir, 'package.json')].map((f) => statSync(f).mtimeMs),
  )
}

function build(dir: string): void {
  const result = spawnSync(join(dir, 'node_modules', '.bin', 'tsup'), [], { cwd: dir, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`tsup in ${dir} failed:\n${result.stdout}\n${result.stderr}`)
}

export default function setup(): void {
  if (!existsSync(join(clientDir, 'dist', 'index.js'))) build(clientDir)
  const bin = join(cliDir, 'dist', 'cli.js')
  if (!existsSync(bin) || statSync(bin).mtimeMs < newestSource()) build(cliDir)
}
