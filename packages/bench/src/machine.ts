/** The machine line of the report. */
import { cpus, loadavg, totalmem } from 'node:os'

export interface MachineInfo {
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
  date: string
  /** 1-minute load average when the run started and ended (other work on the machine skews wall-clock rates). */
  loadAverage: { start: number; end?: number }
}

export function machineInfo(): MachineInfo {
  const list = cpus()
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAverage: { start: currentLoad() },
  }
}

/** The current 1-minute load average. */
export function currentLoad(): number {
  return Number((loadavg()[0] ?? 0).toFixed(2))
}
