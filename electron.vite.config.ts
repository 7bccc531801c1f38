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

/**
 * The window's first script is small and loads the app (`start-app`) with a dynamic import, so
 * its calls for the journal go out before the app is parsed. Left to the import, the app's
 * script and styles would only be fetched once that first script has run; these links fetch
 * them beside it, so the import finds them ready.
 */
function preloadAppChunk(facade: string): Plugin {
  return {
    name: 'preload-app-chunk',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const app = Object.values(bundle ?? {}).find(
          (output) => output.type === 'chunk' && output.isDynamicEntry && output.facadeModuleId?.endsWith(facade)
        )
        if (!app || app.type !== 'chunk') return []
        // What the page's own entry already loads is not fetched twice.
        const chunks = [app.fileName, ...app.imports].filter((name) => {
          const chunk = bundle?.[name]
          return chunk?.type === 'chunk' && !chunk.isEntry
        })
        const styles = chunks.flatMap((name) => {
          const chunk = bundle?.[name]
          return chunk?.type === 'chunk' ? [...(chunk.viteMetadata?.importedCss ?? [])] : []
        })
        return [
          ...chunks.map((name) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${name}` }, injectTo: 'head' as const })),
          ...styles.map((name) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${name}` }, injectTo: 'head' as const }))
        ]
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
    plugins: [vue(), preloadAppChunk('/src/renderer/src/start-app.ts')],
    // The window's script is parsed before its first rows show: minified it is 288 KB instead of 620 KB.
    build: { minify: true }
  }
})
