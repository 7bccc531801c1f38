import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * `resources/simulator` of this project. Walks up from this module to the folder holding
 * package.json, so it resolves alike from `src/main/vonage-sim/` (tsx) and from a bundled
 * `out/main/*.js` or `out/main/chunks/*.js`.
 */
export function simulatorResourcesDir(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from)
  for (;;) {
    const candidate = join(dir, 'resources', 'simulator')
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`resources/simulator not found above ${from}`)
    dir = parent
  }
}
