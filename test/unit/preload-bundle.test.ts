import { strict as assert } from 'node:assert'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runInNewContext } from 'node:vm'
import { API_EVENTS, API_METHODS } from '#shared/api'

const PRELOAD = fileURLToPath(new URL('../../out/preload/index.cjs', import.meta.url))

/**
 * A sandboxed preload can require nothing but `electron`: a bundle that reaches for anything else
 * leaves the window without its API. The built file is run here against a stand-in `electron`
 * that records what it exposes.
 */
describe('the built preload', () => {
  it('requires only electron and exposes exactly the contract’s methods', () => {
    assert.ok(existsSync(PRELOAD), 'out/preload/index.cjs is missing: run `npm run build` first (npm test does)')
    const required: string[] = []
    const exposed: Record<string, Record<string, unknown>> = {}
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: Record<string, unknown>) => (exposed[name] = api) },
      ipcRenderer: { invoke: () => Promise.resolve(), on: () => undefined, removeListener: () => undefined }
    }
    const module = { exports: {} }
    runInNewContext(readFileSync(PRELOAD, 'utf8'), {
      module,
      exports: module.exports,
      require: (name: string) => {
        required.push(name)
        if (name !== 'electron') throw new Error(`the preload requires ${name}`)
        return electron
      }
    })
    assert.deepEqual([...new Set(required)], ['electron'])
    const api = exposed.voiceJournal!
    assert.deepEqual(Object.keys(api).filter((key) => !['on', 'audioUrl'].includes(key)).sort(), [...API_METHODS].sort())
    assert.throws(() => (api.on as (event: string, listener: () => void) => void)('not-an-event', () => undefined), /Unknown event/)
    for (const event of API_EVENTS) assert.equal(typeof (api.on as (event: string, listener: () => void) => () => void)(event, () => undefined), 'function')
  })
})
