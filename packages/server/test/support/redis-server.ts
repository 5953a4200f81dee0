/**
 * A real `redis-server` for one test file: started on a free 127.0.0.1 port with no persistence of its own
 * (`--save '' --appendonly no`, in a fresh temporary dir), ready once it logged that it accepts connections and
 * answered PING, stopped by its PID. Never the system service. `restart({ keepData })` stops it and starts it
 * again on the same port: with its data (`SHUTDOWN SAVE`, then the dump is loaded) or without.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findRedisServer, INSTALL_HELP } from '../../../../scripts/redis.mjs'

/** A running test Redis. */
export interface TestRedis {
  readonly url: string
  readonly port: number
  /** The PID of the current process (changes on restart). */
  pid(): number
  /** Sends one command (RESP array of bulk strings) and resolves with the raw reply text. */
  command(...args: string[]): Promise<string>
  /** Stops it: `keepData` writes its dataset first (`SHUTDOWN SAVE`), so a later `start()` loads it. */
  stop(options?: { keepData?: boolean }): Promise<void>
  /** Starts it again on the same port and dir (after `stop`). */
  start(): Promise<void>
  /** `stop` + `start`. */
  restart(options: { keepData: boolean }): Promise<void>
  /** Stops it for good and removes its dir. */
  dispose(): Promise<void>
}

const READY_LINE = 'Ready to accept connections'
const START_TIMEOUT_MS = 10_000

/** The `redis-server` executable, or an error that says how to get one. */
function executable(): string {
  const found = findRedisServer()
  if (found.problem !== undefined || found.path === undefined) {
    throw new Error(
      `redis-server ${found.problem ?? 'not found'} (run \`node scripts/ensure-redis.mjs\`, or):\n${INSTALL_HELP}`,
    )
  }
  return found.path
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Sends one command on a fresh connection; resolves with the first reply line(s) received. */
export function redisCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`redis ${args[0]} timed out`))
    }, START_TIMEOUT_MS)
    let reply = ''
    socket.setEncoding('utf8')
    socket.on('connect', () =>
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
    )
    socket.on('data', (chunk: string) => {
      reply += chunk
      if (reply.endsWith('\r\n')) {
        clearTimeout(timer)
        socket.end()
        resolve(reply)
      }
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(reply)
    })
    socket.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
  })
}

/** Spawns `redis-server` and resolves once it is ready, or rejects with its output when it exits first. */
function spawnRedis(bin: string, port: number, dir: string): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--dbfilename',
    'dump.rdb',
  ]
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${output}`))
    }, START_TIMEOUT_MS)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (!output.includes(READY_LINE)) return
      child.stdout?.off('data', onData)
      child.stdout?.resume() // keep draining its log
      clearTimeout(timer)
      child.off('exit', onExit)
      redisCommand(port, ['PING']).then(
        (reply) => (reply.startsWith('+PONG') ? resolve(child) : reject(new Error(`PING answered ${reply}`))),
        reject,
      )
    }
    const onExit = (code: number | null): void => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`))
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', onExit)
  })
}

/** Every child still running, killed if the test process exits without stopping them (a crashed worker). */
const children = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Starts a test Redis on a free loopback port (a few tries if another process takes the port first). */
export async function startTestRedis(): Promise<TestRedis> {
  const bin = executable()
  const dir = mkdtempSync(join(tmpdir(), 'switchline-redis-'))
  let port = 0
  let child: ChildProcess | undefined
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort()
    child = await spawnRedis(bin, port, dir).catch((err: unknown) => {
      if (attempt === 4) throw err
      return undefined
    })
  }
  let current = child as ChildProcess
  let running = true
  const redis: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => current.pid as number,
    command: (...args) => redisCommand(port, args),
    async stop({ keepData = false } = {}) {
      if (!running) return
      running = false
      const done = exited(current)
      if (keepData) await redisCommand(port, ['SHUTDOWN', 'SAVE']).catch(() => '')
      else current.kill('SIGTERM')
      await done
      if (!keepData) rmSync(join(dir, 'dump.rdb'), { force: true })
    },
    async start() {
      if (running) return
      current = await spawnRedis(bin, port, dir)
      running = true
    },
    async restart({ keepData }) {
      await redis.stop({ keepData })
      await redis.start()
    },
    async dispose() {
      await redis.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return redis
}
