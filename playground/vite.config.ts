import { fileURLToPath } from 'node:url'
import { defineConfig, defaultClientConditions, defaultServerConditions, type UserConfig } from 'vite'
import { switchlinePlugin, type SwitchlinePlugin } from './switchline-plugin'

/**
 * The playground: this page plus the embedded Switchline demo server (with faults) in one dev server.
 * `@switchline/client`, `@switchline/react` (browser) and `@switchline/server` (SSR loader) resolve from their
 * TypeScript sources through the `@switchline/source` export condition, so nothing needs building first.
 * `/react.html` is the React page (`src/react/`); Vite compiles its TSX as `tsconfig.json` says (`react-jsx`).
 */
export function playgroundConfig(plugin: SwitchlinePlugin = switchlinePlugin()): UserConfig {
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    plugins: [plugin],
    resolve: { conditions: ['@switchline/source', ...defaultClientConditions] },
    ssr: { resolve: { conditions: ['@switchline/source', ...defaultServerConditions] } },
    // React's entries for /react.html, prebundled at startup: found later, they would make Vite reload the page.
    optimizeDeps: { include: ['react', 'react/jsx-dev-runtime', 'react-dom/client'] },
    server: { host: '127.0.0.1', port: 8787 },
    clearScreen: false,
  }
}

export default defineConfig(playgroundConfig())
