import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const shared = { '@shared': resolve('src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      rolldownOptions: {
        // Two entries over the same services (the Electron adapter and the headless host), and the
        // Vonage simulator's command line (`npm run simulate-call`).
        input: {
          index: resolve('src/main/index.ts'),
          headless: resolve('src/main/headless.ts'),
          'simulate-call': resolve('src/main/simulate-call.ts')
        }
      }
    }
  },
  preload: {
    resolve: { alias: shared },
    build: {
      // The contract's method list comes with its schemas (valibot), which must be bundled too.
      externalizeDeps: { exclude: ['valibot'] },
      rolldownOptions: {
        // A sandboxed preload must be one CommonJS file that requires nothing but `electron`.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    resolve: { alias: { ...shared, '@renderer': resolve('src/renderer/src') } },
    plugins: [vue()]
  }
})
