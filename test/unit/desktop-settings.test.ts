import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { SettingsError, SettingsStore } from '../../src/main/app/settings'
import type { SettingsUpdate } from '#shared/intake'
import { makeTempDir } from '../helpers/temp-dir'

describe('desktop settings', () => {
  it('start hidden-at-login off and every notification on, and save switches', async () => {
    const data = await makeTempDir()
    try {
      const store = await SettingsStore.load(data.dir, {})
      assert.deepEqual(pick(store.toDto()), { openAtLogin: false, notifyCallEntries: true, notifyFailedDownloads: true, notifyFollowedEntries: true })
      const seen: boolean[] = []
      store.onChange((value) => seen.push(value.openAtLogin))
      await store.update({ openAtLogin: true, notifyFollowedEntries: false })
      assert.deepEqual(seen, [true])
      const reloaded = await SettingsStore.load(data.dir, {})
      assert.deepEqual(pick(reloaded.toDto()), { openAtLogin: true, notifyCallEntries: true, notifyFailedDownloads: true, notifyFollowedEntries: false })
    } finally {
      await data.cleanup()
    }
  })

  it('refuses a switch that is not true or false, naming it, and saves nothing', async () => {
    const data = await makeTempDir()
    try {
      const store = await SettingsStore.load(data.dir, {})
      const seen: unknown[] = []
      store.onChange((value) => seen.push(value))
      for (const [field, value] of [
        ['openAtLogin', 'yes'],
        ['notifyCallEntries', 1],
        ['notifyFailedDownloads', null],
        ['notifyFollowedEntries', {}]
      ] as const) {
        const update = { [field]: value, greeting: 'changed' } as unknown as SettingsUpdate
        // Named in words for the person, and by field (the validation issue's path) for the window.
        await assert.rejects(store.update(update), (error: Error) => error instanceof SettingsError && error.field === field && /must be on or off/.test(error.message))
      }
      assert.equal(seen.length, 0)
      assert.notEqual(store.value.greeting, 'changed')
    } finally {
      await data.cleanup()
    }
  })

  it('stops the start on a broken switch in settings.json, with its name', async () => {
    const data = await makeTempDir()
    try {
      await writeFile(join(data.dir, 'settings.json'), JSON.stringify({ openAtLogin: 'true' }))
      await assert.rejects(
        SettingsStore.load(data.dir, {}),
        (error: Error) => error instanceof SettingsError && error.field === 'openAtLogin' && /^settings\.json: Start at login must be on or off/.test(error.message)
      )
      assert.equal(JSON.parse(await readFile(join(data.dir, 'settings.json'), 'utf8')).openAtLogin, 'true')
    } finally {
      await data.cleanup()
    }
  })
})

function pick(dto: ReturnType<SettingsStore['toDto']>) {
  const { openAtLogin, notifyCallEntries, notifyFailedDownloads, notifyFollowedEntries } = dto
  return { openAtLogin, notifyCallEntries, notifyFailedDownloads, notifyFollowedEntries }
}
