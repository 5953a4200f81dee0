import { defineConfig } from 'tsup'

/**
 * Two builds, each with the entries `.` (index), `./sse`, `./ws`, `./channels` and `./tabs` (and `./protocol`, Node build only):
 * - Node (ESM + CJS + types) for `import`/`require`: `#platform` resolves to `src/platform/node.ts` (`ws` and
 *   `eventsource` stay external dependencies).
 * - Browser (ESM) at `dist/browser/`, for the `browser` export condition: `#platform` resolves to
 *   `src/platform/browser.ts`, so no Node code (`ws`, `eventsource`, `isomorphic-ws`) is reachable.
 */
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      sse: 'src/sse.ts',
      ws: 'src/ws.ts',
      channels: 'src/channels/index.ts',
      tabs: 'src/tabs/index.ts',
      protocol: 'src/protocol/index.ts',
    },
    format: ['esm', 'cjs'],
    platform: 'node',
    dts: true,
    // keep dist/browser: the two builds run in parallel
    clean: ['!browser/**'],
    sourcemap: true,
    target: 'es2022',
    treeshake: true,
    // CJS too: one shared chunk, so `require('@switchline/client')` and `require('@switchline/client/sse')` share
    // one `SwitchlineError` class (`instanceof` holds across entries), as the ESM build always did.
    splitting: true,
  },
  {
    entry: {
      index: 'src/index.ts',
      sse: 'src/sse.ts',
      ws: 'src/ws.ts',
      channels: 'src/channels/index.ts',
      tabs: 'src/tabs/index.ts',
    },
    outDir: 'dist/browser',
    format: ['esm'],
    platform: 'browser',
    dts: false,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    treeshake: true,
  },
])
