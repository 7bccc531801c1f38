import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

/**
 * "Simulate a call" bundles the Vonage simulator (packages/vonage-sim, a devDependency, so not
 * externalized) into out/main. Its caller audio goes beside it, in out/main/resources/, where the
 * simulator looks for it (packages/vonage-sim/src/caller/resources.ts); out/** is what the
 * installers pack, so the packed app has it too.
 */
function simulatorResources(): Plugin {
  const dir = resolve('packages/vonage-sim/resources')
  return {
    name: 'vonage-sim-resources',
    generateBundle() {
      for (const name of readdirSync(dir).filter((file) => !file.endsWith('.md'))) {
        this.emitFile({ type: 'asset', fileName: `resources/${name}`, source: readFileSync(join(dir, name)) })
      }
    }
  }
}

export default defineConfig({
  main: {
    plugins: [simulatorResources()],
    build: {
      rolldownOptions: {
        // Two entries over the same services: the Electron adapter and the headless host.
        input: {
          index: resolve('src/main/index.ts'),
          headless: resolve('src/main/headless.ts')
        }
      }
    }
  },
  preload: {
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
    plugins: [vue()],
    // The window's script is parsed before its first rows show: minified it is 288 KB instead of 620 KB.
    build: { minify: true }
  }
})
