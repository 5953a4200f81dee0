#!/usr/bin/env node
/**
 * Makes sure `redis-server` exists before the server's Redis tests run (they start their own on a free loopback
 * port; see redis.mjs for the lookup).
 *
 * Found: prints where, exits 0. Missing, root on Debian: `apt-get install -y redis-server` (non-interactive; the
 * tests never use the service the package may start). Still missing, or `SWITCHLINE_REDIS_SERVER` names something
 * that cannot run: prints exactly what to do, exits 1.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { DEBIAN_PACKAGE, ENV_VAR, INSTALL_HELP, findRedisServer } from './redis.mjs'

function report(found) {
  const version = spawnSync(found.path, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? ''
  console.log(`ensure-redis: redis-server → ${found.path} (${found.source}) ${version}`)
}

function hasCommand(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

let found = findRedisServer()
if (found.problem === undefined) {
  report(found)
  process.exit(0)
}
if (found.source === 'env') {
  console.error(`ensure-redis: ${ENV_VAR}=${found.path} ${found.problem}: unset it or point it at redis-server`)
  process.exit(1)
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const isDebian = existsSync('/etc/debian_version') && hasCommand('apt-get')
if (isRoot && isDebian) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const run = (args) => {
    console.log(`ensure-redis: $ apt-get ${args.join(' ')}`)
    return spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0
  }
  run(['update']) && run(['install', '-y', DEBIAN_PACKAGE])
  found = findRedisServer()
  if (found.problem === undefined) {
    report(found)
    process.exit(0)
  }
}

console.error(`
ensure-redis: redis-server ${found.problem}; the server's Redis tests need it. Do one of:
${INSTALL_HELP}
`)
process.exit(1)
