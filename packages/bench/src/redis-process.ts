/**
 * A private `redis-server` for the Redis rows of the fan-out benchmark: a free 127.0.0.1 port, no persistence, a
 * temporary dir; ready once it logs that it accepts connections; stopped by its PID. Never the system service.
 * The executable is found as the server's tests find it (`scripts/redis.mjs`: `SWITCHLINE_REDIS_SERVER`, then PATH).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findRedisServer } from '../../../scripts/redis.mjs'

export interface RedisProcess {
  url: string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Starts one; rejects with a reason when there is no `redis-server` or it does not start within 10 s. */
export async function startRedis(): Promise<RedisProcess> {
  const found = findRedisServer()
  if (found.path === undefined || found.problem !== undefined)
    throw new Error(`redis-server ${found.problem ?? 'not found'} (see scripts/ensure-redis.mjs)`)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'switchline-bench-redis-'))
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
  const child = spawn(found.path, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const killOnExit = (): void => void child.kill('SIGKILL')
  process.once('exit', killOnExit)
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000)
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (!output.includes('Ready to accept connections')) return
      clearTimeout(timer)
      resolve()
    })
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}:\n${output}`))
    })
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      process.off('exit', killOnExit)
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
