/** Types of `import-graph.mjs` (the import graph read by the layer and cycle tests). */
export interface ImportEdge {
  specifier: string
  line: number
  /** The imported file, relative to the root; `undefined` when a relative specifier does not resolve. */
  target: string | undefined
}
export type ImportGraph = Map<string, ImportEdge[]>
export declare function listSourceFiles(root: string): string[]
export declare function importSpecifiers(text: string): Array<{ specifier: string; line: number }>
export declare function readImportGraph(
  root: string,
  options?: { aliases?: Record<string, string[]>; include?: (file: string) => boolean },
): ImportGraph
export declare function findCycles(graph: Map<string, ReadonlyArray<{ target: string | undefined }>>): string[][]
