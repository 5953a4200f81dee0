import { defineConfig } from 'tsup'

/**
 * ESM + CJS + types. `react` and `@switchline/client` are peers (external). One build serves browsers and Node:
 * the package has no platform code of its own. `'use client'` marks the hooks as client components for React
 * Server Components frameworks (they still render on the server, connecting nothing).
 */
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  platform: 'neutral',
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  banner: { js: "'use client';" },
})
