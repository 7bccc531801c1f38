// Finds the Electron binary the way the `electron` package does, without its side effect of
// downloading one when it is missing (the caller decides whether to try that).
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

export function electronPackageDir() {
  return dirname(require.resolve('electron/package.json'))
}

/** The binary's path, or null with the reason it is not there. */
export function findElectronBinary(env = process.env) {
  const dir = electronPackageDir()
  const pathFile = join(dir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? 'electron')
    return existsSync(binary) ? { binary } : { binary: null, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary at ${binary}` }
  }
  if (relative && existsSync(join(dir, 'dist', relative))) return { binary: join(dir, 'dist', relative) }
  return { binary: null, reason: 'the Electron runtime has not been downloaded (it comes from GitHub on first start)' }
}
