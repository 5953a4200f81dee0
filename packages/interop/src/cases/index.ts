/** Every case of the matrix, in column order. */
import { deadStream } from './dead-stream'
import { dropResume } from './drop-resume'
import { llmStream } from './llm-stream'
import { quiet } from './quiet'
import { receive } from './receive'
import type { Case, Check } from './support'
import type { ServerInfo } from '../harness/types'

export const CASES: readonly Case[] = [receive, dropResume, quiet, deadStream, llmStream]

/** The checks of `testCase` that apply to `server` (none when the case does not apply). */
export function checksFor(testCase: Case, server: ServerInfo): readonly Check[] {
  if (!testCase.applies(server)) return []
  return testCase.checks.filter((check) => check.applies?.(server) ?? true)
}
