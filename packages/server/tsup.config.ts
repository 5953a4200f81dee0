import { defineConfig, type Options } from 'tsup'

// The protocol module of @switchline/client is bundled (from source) so dist runs without the client's build.
const shared: Options = {
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  noExternal: ['@switchline/client'],
  esbuildOptions(options) {
    options.conditions = ['@switchline/source', ...(options.conditions ?? [])]
  },
}

export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', redis: 'src/redis/index.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', redis: 'src/redis/index.ts' } },
    clean: ['index.*', 'testing.*', 'redis.*', 'chunk-*'],
  },
  {
    ...shared,
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    banner: { js: '#!/usr/bin/env node' },
  },
])
