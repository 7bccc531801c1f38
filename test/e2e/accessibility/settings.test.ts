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
