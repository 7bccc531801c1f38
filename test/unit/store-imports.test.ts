import { strict as assert } from 'node:assert'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const STORES = fileURLToPath(new URL('../../src/renderer/src/stores/', import.meta.url))

/** Each store module and the store modules it imports (`./name`). */
function storeImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of readdirSync(STORES).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(STORES + file, 'utf8')
    graph.set(file.replace(/\.ts$/, ''), [...source.matchAll(/from '\.\/([\w-]+)'/g)].map((m) => m[1]!))
  }
  return graph
}

// Stores that import each other depend on the order modules load in and cannot be read alone;
// a piece both need belongs in one of them, or in a module beside both.
describe('renderer stores', () => {
  it('import each other without a cycle', () => {
    const graph = storeImports()
    assert.ok(graph.has('journal') && graph.has('library'))
    const cycles: string[] = []
    const visit = (name: string, path: string[]): void => {
      if (path.includes(name)) return void cycles.push([...path.slice(path.indexOf(name)), name].join(' → '))
      for (const next of graph.get(name) ?? []) visit(next, [...path, name])
    }
    for (const name of graph.keys()) visit(name, [])
    assert.deepEqual([...new Set(cycles)], [])
  })
})
