/** Types of `table.mjs` (the README "Works with" table, rendered from results.json). */
import type { Results } from '../src/results/results-types'
export declare const START: string
export declare const END: string
export declare function renderTable(results: Results): string
export declare function withTable(readme: string, table: string): string
export declare function tableIn(readme: string): string
export declare const RESULTS_URL: URL
export declare const README_URL: URL
