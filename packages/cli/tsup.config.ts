import { defineConfig } from 'tsup'

// The bin only: ESM for Node 20 with a shebang. `@switchline/client` and `ws` stay dependencies (not bundled), so
// the CLI runs the client the app would install.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: true,
  clean: true,
})
