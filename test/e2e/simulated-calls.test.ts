import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright'
import type { EntryDto } from '../../src/shared/dto'
import { launchChromium, recordPageErrors } from '../helpers/browser'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { JournalPage } from './pages/journal-page'

// Someone without a Vonage account tries the app: "Simulate a call" in the window places a real
// (simulated) call through the app's own webhooks, and the entry appears and plays.
describe('simulating calls from the window', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let data: Awaited<ReturnType<typeof makeTempDir>>
  let app: HeadlessApp
  let browser: Browser
  let page: Page
  let journal: JournalPage
  let errors: string[]

  before(async () => {
    network = await startTestnet()
    data = await makeTempDir()
    app = await startHeadless(data.dir, ['--bootstrap', network.bootstrap], { VONAGE_APPLICATION_ID: '', VONAGE_PRIVATE_KEY: '' })
    await app.call('saveSettings', { greeting: '' })
    browser = await launchChromium()
    page = await browser.newPage()
    errors = recordPageErrors(page)
    journal = new JournalPage(page)
    await page.goto(app.info.uiUrl)
  })
  after(async () => {
    await browser?.close()
    await app?.stop()
    await network?.testnet.destroy()
    await data?.cleanup()
  })

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
