/** The shape of `packages/interop/results.json` (written by reporter.ts, read by scripts/table.mjs). */
import type { CaseId } from '../cases/catalog'
import type { ServerId } from '../servers/catalog'

export type Environment = 'node' | 'chromium' | 'firefox'

/** One cell: the case passed on that server iff every check of it passed. */
export interface Cell {
  pass: boolean
  /** The names of the checks that failed. */
  failed: string[]
}

export interface Results {
  /** The day of the run (YYYY-MM-DD). */
  generated: string
  command: string
  node: string
  browsers: Record<'chromium' | 'firefox', string>
  /** Installed versions of the libraries (and of the client under test). */
  versions: Record<string, string>
  /** The table's rows, in order: every server with its title (Markdown) and the packages whose versions it shows. */
  rows: Array<{ id: ServerId; title: string; packages: string[] }>
  /** The table's columns, in order. */
  columns: Array<{ id: CaseId; title: string }>
  /** The rows that also ran in the browsers. */
  browserServers: ServerId[]
  results: Partial<Record<Environment, Partial<Record<ServerId, Partial<Record<CaseId, Cell>>>>>>
}
