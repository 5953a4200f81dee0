#!/usr/bin/env node
/**
 * Makes sure the test browsers (Chromium, Firefox) exist before the browser suites run.
 *
 * Found (env var → Debian path → Playwright's own download, see browsers.mjs): prints where, exits 0.
 * Missing, root on Debian: `apt-get install -y chromium firefox-esr` (non-interactive).
 * Missing elsewhere: `playwright install chromium firefox`.
 * Still missing: prints exactly what to do and exits 1.
 * An env var naming something that is not an executable file (missing, a directory, not executable) is never
 * "fixed" by installing: every browser is checked first, then every problem is printed with what to do, exit 1.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { BROWSERS, DEBIAN_PACKAGES, DEBIAN_PATHS, ENV_VARS, findBrowser } from './browsers.mjs'

const requireFromE2e = createRequire(new URL('../e2e/package.json', import.meta.url))

/** Playwright's own executable for a browser, or undefined when @playwright/test is not installed. */
async function playwrightExecutable(name) {
  try {
    const entry = requireFromE2e.resolve('@playwright/test')
    const pw = await import(pathToFileURL(entry).href)
    return (pw.default ?? pw)[name].executablePath()
  } catch {
    return undefined
  }
}

/** Why `path` cannot be run as a browser, or undefined when it can. */
function problemWith(path) {
  if (path === undefined) return 'is not installed'
  let stat
  try {
    stat = statSync(path)
  } catch {
    return 'does not exist'
  }
  if (stat.isDirectory()) return 'is a directory, not an executable'
  if (!stat.isFile()) return 'is not a regular file'
  try {
    accessSync(path, constants.X_OK)
  } catch {
    return 'is not executable'
  }
  return undefined
}

async function locate(name) {
  const found = findBrowser(name)
  const path = found.executablePath ?? (await playwrightExecutable(name))
  const problem = problemWith(path)
  return { ...found, path, problem, ok: problem === undefined }
}

async function missingBrowsers() {
  const missing = []
  for (const name of BROWSERS) {
    const b = await locate(name)
    if (b.ok) console.log(`ensure-browsers: ${name} → ${b.path} (${b.source})`)
    else missing.push(b)
  }
  return missing
}

function run(cmd, args, env = process.env) {
  console.log(`ensure-browsers: $ ${cmd} ${args.join(' ')}`)
  return spawnSync(cmd, args, { stdio: 'inherit', env }).status === 0
}

function hasCommand(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const isDebian = existsSync('/etc/debian_version') && hasCommand('apt-get')

let missing = await missingBrowsers()
if (missing.length === 0) process.exit(0)

/** The standard ways to get `browsers` installed. */
function installOptions(browsers) {
  return `  - on Debian/Ubuntu, as root:  apt-get update && apt-get install -y ${browsers.map((b) => DEBIAN_PACKAGES[b.name]).join(' ')}
    (then they are found at ${browsers.map((b) => DEBIAN_PATHS[b.name]).join(', ')})
  - with internet access:       pnpm --filter @switchline/e2e exec playwright install ${browsers.map((b) => b.name).join(' ')}
  - point at an installed browser: ${browsers.map((b) => `${ENV_VARS[b.name]}=/path/to/${b.name}`).join('  ')}`
}

// A wrong env var wins over every other lookup, so installing cannot help: report every problem (all browsers
// were checked above) and stop.
const envVarWrong = missing.filter((b) => b.source === 'env')
if (envVarWrong.length > 0) {
  const lines = missing.map((b) =>
    b.source === 'env'
      ? `  - ${ENV_VARS[b.name]}=${b.path} ${b.problem}: unset ${ENV_VARS[b.name]} or point it at an executable`
      : `  - ${b.name} (${b.source}${b.path ? ` ${b.path}` : ''}) ${b.problem}`,
  )
  console.error(`
ensure-browsers: cannot use ${missing.map((b) => b.name).join(', ')}:
${lines.join('\n')}
Then, for a browser that is not installed, do one of:
${installOptions(missing)}
`)
  process.exit(1)
}

if (isRoot && isDebian) {
  const packages = missing.map((b) => DEBIAN_PACKAGES[b.name])
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update'], env) && run('apt-get', ['install', '-y', ...packages], env)
} else {
  try {
    const cli = requireFromE2e.resolve('@playwright/test/cli')
    run(process.execPath, [cli, 'install', ...missing.map((b) => b.name)])
  } catch {
    console.error('ensure-browsers: @playwright/test is not installed (run pnpm install)')
  }
}

missing = await missingBrowsers()
if (missing.length === 0) process.exit(0)

const names = missing.map((b) => b.name).join(', ')
console.error(`
ensure-browsers: missing ${names}. Do one of:
${installOptions(missing)}
`)
process.exit(1)
