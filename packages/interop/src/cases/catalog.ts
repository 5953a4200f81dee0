/** The matrix columns, in table order (browser- and reporter-safe: no case code). */
export const CASE_TITLES = {
  receive: 'receive',
  'drop-resume': 'drop + resume',
  quiet: 'quiet but healthy',
  'dead-stream': 'dead stream',
  'llm-stream': 'LLM stream',
} as const

export type CaseId = keyof typeof CASE_TITLES
