import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A file of the app's `resources/` folder (bundled hold music, icons): the nearest `resources/`
 * above this module that holds it. From the sources that is the repository's; from the build
 * (out/main) and the packaged app (app.asar/out/main) it is the one the build copies beside out/.
 */
export function findResource(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'resources', name)
    if (existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`The app's resource ${name} is missing: reinstall the app.`)
    dir = parent
  }
}
