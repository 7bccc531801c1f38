import { describe, it } from 'node:test'
import { EVERY_LAYOUT, expectAccessible } from '../../helpers/axe'
import { waitFor } from '../../helpers/wait-for'
import { sharedTestnet, waitEntriesShown, withWindow } from '../pages/axe-window'

// axe-core (WCAG 2 A/AA and best practice) over calls: a live call in the journal view, then the
// Calls view listing it, and the Calls view with none. Both colour schemes; the listing wide and
// narrow too. Calls come from the built-in Vonage simulator through the app's own webhooks.
describe('accessibility: calls', () => {
  const bootstrap = sharedTestnet()

  it('a live call in the journal view, then the Calls view listing it', async () => {
    await withWindow(bootstrap(), {}, async ({ page, journal, app }) => {
      await journal.byTestId('empty-entries').waitFor()
      await app.call('simulateCall', { mode: 'stream' })
      await journal.byTestId('live-call').first().waitFor({ timeout: 15_000 })
      await expectAccessible(page, 'a live call')

      await waitEntriesShown(journal, 1)
      await journal.byTestId('nav-calls').click()
      const row = journal.byTestId('call-row')
      await row.waitFor()
      await waitFor(async () => (await row.getByTestId('call-status').allTextContents()).some((s) => /completed/i.test(s)), 'the call completes', 15_000)
      await row.getByTestId('call-entry').waitFor()
      await expectAccessible(page, 'Calls with a call', EVERY_LAYOUT)
    })
  })

  it('a hotline call in the Calls view: the ledger of who was rung and who answered', { timeout: 240_000 }, async () => {
    await withWindow(bootstrap(), {}, async ({ page, journal, app }) => {
      await app.call('saveSettings', { hotlineGreeting: 'Hello.' })
      await app.call('simulateCall', { mode: 'hotline' })
      // A simulated hotline call runs in real time: greeting, two rings of 3 s, the conversation, the download.
      await waitEntriesShown(journal, 1, 60_000)
      await journal.byTestId('nav-calls').click()
      const row = journal.byTestId('call-row')
      await waitFor(async () => (await row.getByTestId('hotline-outcome').textContent())?.includes('answered') ?? false, 'the ledger says who answered', 20_000)
      await row.getByTestId('call-entry').waitFor()
      await expectAccessible(page, 'Calls with a hotline call', EVERY_LAYOUT)
    })
  })

  it('the Calls view with no calls', async () => {
    await withWindow(bootstrap(), {}, async ({ page, journal }) => {
      await journal.byTestId('nav-calls').click()
      await journal.byTestId('calls-empty').waitFor()
      await expectAccessible(page, 'Calls, empty', EVERY_LAYOUT)
    })
  })
})
