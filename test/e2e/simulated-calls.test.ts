import { strict as assert } from 'node:assert'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Browser } from 'playwright'
import type { EntryDto } from '#shared/dto'
import { launchChromium } from '../helpers/browser'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { openPeerWindow, type WindowSession } from './pages/window-session'

// Someone without a Vonage account tries the app: "Simulate a call" in the window places a real
// (simulated) call through the app's own webhooks, and the entry appears and plays. Chromium and
// the testnet are shared; every test has an app (and so a call log and journal) of its own.
describe('simulating calls from the window', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let browser: Browser
  let session: WindowSession | undefined

  before(async () => {
    network = await startTestnet()
    browser = await launchChromium()
  })
  afterEach(async () => {
    await session?.close()
    session = undefined
  })
  after(async () => {
    await browser?.close()
    await network?.testnet.destroy()
  })

  /** No Vonage account (even if the developer's shell has one) and no greeting to wait through. */
  async function openApp(): Promise<WindowSession> {
    session = await openPeerWindow(network.bootstrap, {
      browser,
      env: { VONAGE_APPLICATION_ID: '', VONAGE_PRIVATE_KEY: '' },
      prepare: (app) => app.call('saveSettings', { greeting: '' }).then(() => {})
    })
    await session.journal.waitShown(session.app.info.key)
    return session
  }

  for (const [mode, format] of [
    ['stream', 'wav'],
    ['record', 'mp3']
  ] as const) {
    it(`a simulated call in ${mode} mode becomes a playable ${format} entry`, async () => {
      const { app, journal, errors } = await openApp()
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
      assert.deepEqual(errors, [], 'no console errors')
    })
  }

  it('shows both calls in the Calls view, linked to their entries', async () => {
    const { app, journal, errors } = await openApp()
    for (const mode of ['stream', 'record'] as const) await app.call('simulateCall', { mode })
    await waitFor(async () => (await app.call<EntryDto[]>('listEntries')).length === 2, 'both calls are entries', 60_000)
    await journal.byTestId('nav-calls').click()
    await waitFor(async () => (await journal.byTestId('call-row').count()) === 2, 'two calls listed')
    // The record call still says its closing sentence after the recording, so it completes last.
    for (const row of await journal.byTestId('call-row').all()) {
      await waitFor(async () => (await row.getByTestId('call-status').allTextContents()).some((s) => /completed/i.test(s)), 'the call completes', 15_000)
      assert.notEqual((await row.getByTestId('call-entry').textContent())?.trim(), '—', 'the call links to its entry')
    }
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('a simulated hotline call rings simulated staff; the Calls view shows who answered, who declined and the wait, linked to the conversation’s entry', { timeout: 240_000 }, async () => {
    const { app, journal, errors } = await openApp()
    await app.call('saveSettings', { hotlineGreeting: 'Hello.' })
    await journal.byTestId('simulate-mode').selectOption('hotline')
    await journal.byTestId('simulate-call').click()
    await waitFor(async () => /staff phones ring/.test((await journal.byTestId('simulate-confirmation').textContent()) ?? ''), 'the window says the staff are being rung')
    await waitFor(async () => (await app.call<EntryDto[]>('listEntries')).length === 1, 'the conversation becomes an entry', 60_000)
    await journal.byTestId('nav-calls').click()
    const row = journal.byTestId('call-row').first()
    await waitFor(async () => (await row.getByTestId('hotline-outcome').textContent())?.startsWith('Ana answered after') ?? false, 'the ledger says Ana answered', 20_000)
    assert.match((await row.getByTestId('hotline-rung').textContent()) ?? '', /^Ana: answered · Ben: declined · Chloe: hung up \(someone else answered\)$/)
    await waitFor(async () => (await row.getByTestId('call-entry').count()) === 1, 'the call links to its entry', 15_000)
    assert.deepEqual(errors, [], 'no console errors')
  })
})
