import { describe, it } from 'node:test'
import { EVERY_LAYOUT, expectAccessible } from '../../helpers/axe'
import type { HeadlessApp } from '../../helpers/headless-process'
import { sharedTestnet, withWindow } from '../pages/axe-window'

// axe-core (WCAG 2 A/AA and best practice) over every Settings card: as first opened (advanced
// part open), with unsaved changes and a refused value, saved, and with values fixed by the
// environment and a secret kept. Both colour schemes; the first state wide and narrow too.
describe('accessibility: settings', () => {
  const bootstrap = sharedTestnet()

  it('every card, then unsaved changes with a refused value, then saved', async () => {
    await withWindow(bootstrap(), {}, async ({ page, journal }) => {
      await journal.byTestId('nav-settings').click()
      await journal.byTestId('settings-view').locator('form').waitFor()
      await page.locator('details.advanced summary').click()
      await journal.byTestId('setting-api-host').waitFor()
      await expectAccessible(page, 'Settings', EVERY_LAYOUT)

      await journal.byTestId('setting-public-url').fill('not an address')
      await journal.byTestId('setting-api-key').fill('abcd1234')
      await journal.byTestId('setting-api-secret').fill('a secret')
      await journal.byTestId('settings-dirty').waitFor()
      await journal.byTestId('save-settings').click()
      await journal.byTestId('settings-error').waitFor()
      await expectAccessible(page, 'Settings with a refused value')

      await journal.byTestId('setting-public-url').fill('https://example.test')
      await journal.byTestId('save-settings').click()
      await journal.byTestId('settings-saved').waitFor()
      await journal.byTestId('answer-url').waitFor()
      await expectAccessible(page, 'Settings saved')
    })
  })

  // Hotline mode saved before the window opens, so the card is there from the start; every wait is bounded.
  // This test once hung in every fresh-clone CI run and passed in every local one; each step says
  // on stderr when it starts, so a run that hangs again shows where.
  it('hotline mode: the staff list with a refused number', { timeout: 180_000 }, async () => {
    const started = Date.now()
    const step = (name: string): void => void process.stderr.write(`[a11y hotline settings] +${((Date.now() - started) / 1000).toFixed(1)} s: ${name}\n`)
    const prepare = (app: HeadlessApp): Promise<void> => app.call('saveSettings', { mode: 'hotline', hotlineName: 'Code of conduct' }).then(() => step('hotline mode saved'))
    step('opening the window')
    await withWindow(bootstrap(), { prepare }, async ({ page, journal }) => {
      step('window open')
      await journal.byTestId('nav-settings').click({ timeout: 20_000 })
      await journal.byTestId('hotline-staff-empty').waitFor({ timeout: 20_000 })
      step('axe: hotline without staff')
      await expectAccessible(page, 'Settings, hotline without staff')
      await journal.byTestId('hotline-staff-add').click({ timeout: 20_000 })
      await page.locator('#hotline-staff-name-0').fill('Ana', { timeout: 20_000 })
      await page.locator('#hotline-staff-number-0').fill('07700 900001', { timeout: 20_000 })
      await journal.byTestId('save-settings').click({ timeout: 20_000 })
      await journal.byTestId('settings-error').waitFor({ timeout: 20_000 })
      step('axe: a refused staff number')
      await expectAccessible(page, 'Settings, hotline with a refused staff number', EVERY_LAYOUT)
      step('closing the window')
    })
    step('closed')
  })

  it('values fixed by the environment and a secret kept', async () => {
    const env = { JOURNAL_MODE: 'stream', PUBLIC_URL: 'https://example.test' }
    const prepare = (app: HeadlessApp): Promise<void> => app.call('saveSettings', { signatureSecret: 'a-signature-secret-of-some-length' }).then(() => {})
    await withWindow(bootstrap(), { env, prepare }, async ({ page, journal }) => {
      await journal.byTestId('nav-settings').click()
      await journal.byTestId('setting-env-note').first().waitFor()
      await journal.byTestId('setting-signature-secret-status').waitFor()
      await expectAccessible(page, 'Settings fixed by the environment')
    })
  })
})
