import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import type { EntryDto } from '#shared/dto'
import type { HeadlessApp } from '../helpers/headless-process'
import { waitFor } from '../helpers/wait-for'
import type { JournalPage } from './pages/journal-page'
import { openWindowSession, type WindowSession } from './pages/window-session'

// Someone without a Vonage account tries the app: "Simulate a call" in the window places a real
// (simulated) call through the app's own webhooks, and the entry appears and plays.
describe('simulating calls from the window', () => {
  let session: WindowSession
  let app: HeadlessApp
  let journal: JournalPage
  let errors: string[]

  before(async () => {
    // No Vonage account (even if the developer's shell has one) and no greeting to wait through.
    session = await openWindowSession({ VONAGE_APPLICATION_ID: '', VONAGE_PRIVATE_KEY: '' }, (app) => app.call('saveSettings', { greeting: '' }).then(() => {}))
    ;({ app, journal, errors } = session)
  })
  after(() => session?.close())

  for (const [mode, format] of [
    ['stream', 'wav'],
    ['record', 'mp3']
  ] as const) {
    it(`a simulated call in ${mode} mode becomes a playable ${format} entry`, async () => {
      const before = (await app.call<EntryDto[]>('listEntries')).length
      await journal.byTestId('simulate-mode').selectOption(mode)
      await journal.byTestId('simulate-call').click()
      if (mode === 'stream') {
        await journal.byTestId('live-call').first().waitFor({ timeout: 15_000 })
      }
      await waitFor(async () => (await journal.rows.count()) === before + 1, 'the entry appears in the window', 40_000)
      const entry = (await app.call<EntryDto[]>('listEntries')).find((e) => e.format === format && e.source === mode)!
      assert.ok(entry, `a ${format} entry from ${mode} mode`)
      const response = await journal.play(entry.path)
      assert.equal(response.status(), 206)
      await waitFor(async () => (await journal.audioTime()) > 0.2, 'it plays', 10_000)
      await journal.byTestId('player-toggle').click()
    })
  }

  it('shows both calls in the Calls view, linked to their entries', async () => {
    await journal.byTestId('nav-calls').click()
    await waitFor(async () => (await journal.byTestId('call-row').count()) === 2, 'two calls listed')
    // The record call still says its closing sentence after the recording, so it completes last.
    for (const row of await journal.byTestId('call-row').all()) {
      await waitFor(async () => (await row.getByTestId('call-status').allTextContents()).some((s) => /completed/i.test(s)), 'the call completes', 15_000)
      assert.notEqual((await row.getByTestId('call-entry').textContent())?.trim(), '—', 'the call links to its entry')
    }
  })

  it('logged no console errors', () => {
    assert.deepEqual(errors, [])
  })
})
