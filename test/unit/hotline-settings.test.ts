import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { ApiHandlers } from '#shared/api'
import type { SettingsDto } from '#shared/intake'
import { invokeApi } from '../../src/main/api/invoke'
import { SettingsError, SettingsStore } from '../../src/main/app/settings'
import { makeTempDir } from '../helpers/temp-dir'

/** saveSettings as both transports run it: the contract's argument check, then the store. */
const saveThroughApi = (store: SettingsStore, args: unknown) =>
  invokeApi({ saveSettings: async (update) => (await store.update(update), store.toDto()) } as Partial<ApiHandlers> as ApiHandlers, 'saveSettings', args)

describe('hotline settings', () => {
  it('takes the staff, the hotline’s name and number from the environment, as always-on hosts set them', async () => {
    const data = await makeTempDir()
    try {
      const store = await SettingsStore.load(data.dir, {
        JOURNAL_MODE: 'hotline',
        HOTLINE_NAME: 'Code of conduct',
        HOTLINE_STAFF: 'Ana:+447700900001, Ben Okafor: +44 7700 900002',
        VONAGE_NUMBER: '+44 7700 900000'
      })
      const settings = store.value
      assert.equal(settings.mode, 'hotline')
      assert.equal(settings.hotlineName, 'Code of conduct')
      assert.equal(settings.vonageNumber, '+447700900000')
      assert.deepEqual(settings.hotlineStaff, [
        { name: 'Ana', number: '+447700900001' },
        { name: 'Ben Okafor', number: '+447700900002' }
      ])
      assert.deepEqual(store.toDto().fromEnvironment.sort(), ['hotlineName', 'hotlineStaff', 'mode', 'vonageNumber'])
    } finally {
      await data.cleanup()
    }
  })

  it('refuses a start whose HOTLINE_STAFF has a number that is not E.164, naming the variable and the field', async () => {
    const data = await makeTempDir()
    try {
      await assert.rejects(SettingsStore.load(data.dir, { HOTLINE_STAFF: 'Ana:07700 900001' }), (error: unknown) => {
        assert.ok(error instanceof SettingsError)
        assert.equal(error.field, 'hotlineStaff')
        assert.match(error.message, /^HOTLINE_STAFF: Each staff number must be a phone number in international format starting with \+/)
        return true
      })
      await assert.rejects(SettingsStore.load(data.dir, { HOTLINE_STAFF: '+447700900001' }), /HOTLINE_STAFF: Each staff member needs a name/)
    } finally {
      await data.cleanup()
    }
  })

  it('refuses, at the field and saving nothing: a staff number twice, more staff than a conversation holds, a ring time out of range, a Vonage number without +', async () => {
    const data = await makeTempDir()
    try {
      const store = await SettingsStore.load(data.dir, {})
      const before = store.toDto()
      const fifty = Array.from({ length: 50 }, (_, i) => ({ name: `S${i}`, number: `+4477009${String(10_000 + i)}` }))
      for (const [field, value, message] of [
        ['hotlineStaff', [{ name: 'Ana', number: '+447700900001' }, { name: 'Ann', number: '+44 7700 900001' }], /Each staff number can be listed once/],
        ['hotlineStaff', fifty, /at most 49 staff/],
        ['ringSeconds', 200, /Ring time must be from 5 to 120 seconds/],
        ['vonageNumber', '447700900000', /Your Vonage number must be a phone number in international format starting with \+/],
        ['hotlineNoAnswer', 'forward', /When nobody answers must be "voicemail" or "hangup"/]
      ] as const) {
        const answer = await saveThroughApi(store, { [field]: value, greeting: 'changed' })
        assert.equal(answer.ok, false, `${field} refused`)
        assert.equal(!answer.ok && answer.error.field, field)
        assert.match(!answer.ok ? answer.error.message : '', message)
      }
      assert.deepEqual(store.toDto(), before, 'nothing was saved')
      const saved = await saveThroughApi(store, { mode: 'hotline', hotlineStaff: [{ name: ' Ana ', number: '+44 7700-900001' }] })
      assert.deepEqual(saved.ok && (saved.result as SettingsDto).hotlineStaff, [{ name: 'Ana', number: '+447700900001' }])
    } finally {
      await data.cleanup()
    }
  })
})
