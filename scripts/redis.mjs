/**
 * Where the test Redis is, shared by `scripts/ensure-redis.mjs` and the server's Redis tests
 * (`packages/server/test/support/redis-server.ts`). Lookup order:
 *
 * 1. `SWITCHLINE_REDIS_SERVER`: a path to a `redis-server` executable;
 * 2. `redis-server` on the PATH (Debian's package installs `/usr/bin/redis-server`).
 *
 * Tests never use a system service: they start their own `redis-server` on a free loopback port and stop it by PID.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export const ENV_VAR = 'SWITCHLINE_REDIS_SERVER'
export const DEBIAN_PACKAGE = 'redis-server'
export const BINARY = 'redis-server'

/**
 * Why `path` cannot be run, or `undefined` when it can.
 * @param {string} path
 * @returns {string | undefined}
 */
export function problemWith(path) {
  let stat
  try {
    stat = statSync(path)
  } catch {
    return 'does not exist'
  }
  if (!stat.isFile()) return 'is not a regular file'
  try {
    accessSync(path, constants.X_OK)
  } catch {
    return 'is not executable'
  }
  return undefined
}

/**
 * Finds `redis-server`.
 * @param {{ env?: Record<string, string | undefined> }} [io]
 * @returns {{ source: 'env' | 'path' | 'none', path: string | undefined, problem: string | undefined }}
 */
export function findRedisServer(io = {}) {
  const env = io.env ?? process.env
  const fromEnv = env[ENV_VAR]
  if (fromEnv) return { source: 'env', path: fromEnv, problem: problemWith(fromEnv) }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, BINARY)
    if (problemWith(candidate) === undefined) return { source: 'path', path: candidate, problem: undefined }
  }
  return { source: 'none', path: undefined, problem: 'is not installed' }
}

/** What to do when `redis-server` is missing. */
export const INSTALL_HELP = `  - on Debian/Ubuntu, as root:  apt-get update && apt-get install -y ${DEBIAN_PACKAGE}
  - with Homebrew:              brew install redis
  - point at an installed one:  ${ENV_VAR}=/path/to/redis-server  (Redis 6.2 or later)`
