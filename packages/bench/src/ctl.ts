/** The parent side of the server child: spawning it and talking to its `/ctl` WebSocket. */
import { fork, type ChildProcess } from 'node:child_process'
import WebSocket from 'ws'
import type { CtlRequest, ServerInfo } from './server-child'

export interface Ctl {
  /** Fire and forget. */
  send(req: CtlRequest): void
  /** Sends and waits for the reply. */
  request<T = { ok: boolean }>(req: CtlRequest, timeoutMs?: number): Promise<T>
  close(): void
}

export interface ServerProcess {
  info: ServerInfo
  child: ChildProcess
  ctl: Ctl
  stop(): Promise<void>
}

/** Forks this same bundle as the server child (`--child=server`) and connects to its control socket. */
export async function startServerProcess(bundle: string, timeoutMs = 20_000): Promise<ServerProcess> {
  // Profiling flags given to the parent (--cpu-prof) don't apply to the server; BENCH_SERVER_EXEC_ARGV
  // (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof-server") profiles the server instead.
  const execArgv = process.env.BENCH_SERVER_EXEC_ARGV?.split(' ').filter(Boolean) ?? []
  const child = fork(bundle, ['--child=server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv })
  const info = await new Promise<ServerInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server child did not start')), timeoutMs)
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}`)))
    child.on('message', (msg: { type?: string; info?: ServerInfo }) => {
      if (msg.type === 'ready' && msg.info) {
        clearTimeout(timer)
        resolve(msg.info)
      }
    })
  })
  const ctl = await connectCtl(`ws://127.0.0.1:${info.rawPort}/ctl`)
  return {
    info,
    child,
    ctl,
    async stop() {
      ctl.close()
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
}

export async function connectCtl(url: string): Promise<Ctl> {
  const ws = new WebSocket(url, { perMessageDeflate: false })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  let nextId = 1
  const waiting = new Map<number, (body: unknown) => void>()
  ws.on('message', (data) => {
    const body = JSON.parse(String(data)) as { reqId: number }
    waiting.get(body.reqId)?.(body)
    waiting.delete(body.reqId)
  })
  return {
    send: (req) => ws.send(JSON.stringify(req)),
    request<T>(req: CtlRequest, timeoutMs = 10_000): Promise<T> {
      const reqId = nextId++
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(reqId)
          reject(new Error(`ctl ${req.op} timed out`))
        }, timeoutMs)
        waiting.set(reqId, (body) => {
          clearTimeout(timer)
          resolve(body as T)
        })
        ws.send(JSON.stringify({ ...req, reqId }))
      })
    },
    close: () => ws.close(),
  }
}
