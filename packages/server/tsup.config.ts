import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // The protocol code is bundled in, so the server's build does not depend on the client's.
  noExternal: ['@switchline/client'],
  esbuildOptions(options) {
    options.conditions = ['source']
  },
})
