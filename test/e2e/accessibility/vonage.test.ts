import { describe, it } from 'node:test'
import type { IntakeStatus } from '#shared/intake'
import { expectAccessible } from '../../helpers/axe'
import { launchChromium } from '../../helpers/browser'
import { IntakeHarness, toneAudio } from '../../helpers/intake-harness'
import { waitFor } from '../../helpers/wait-for'
import { JournalPage } from '../pages/journal-page'

// axe-core (WCAG 2 A/AA and best practice) over what a configured Vonage application brings: the
// recordings still to download (one retrying, one failed for good, with its Retry button), and
// Settings with the application set up by the environment, before and after writing the webhook
// URLs into it through the Applications API. Both colour schemes. The app talks to
// the Vonage simulator as it would to Vonage.
describe('accessibility: with a Vonage application', () => {
  it('recordings waiting to download or failed, then Settings set up and the webhooks written', async () => {
    const harness = await IntakeHarness.start('record')
    const browser = await launchChromium()
    try {
      const downloads = async (): Promise<IntakeStatus['downloads']> => (await harness.app.call<IntakeStatus>('getIntakeStatus')).downloads
      // Vonage no longer has the first recording; the second keeps failing and is retried.
      harness.simulator.failNextDownloads(1, 404)
      await harness.placeCall({ audio: toneAudio(1, 1) }).done
      await waitFor(async () => (await downloads()).some((d) => d.state === 'failed'), 'the first download fails for good', 15_000)
      harness.simulator.failNextDownloads(1000, 503)
      await harness.placeCall({ audio: toneAudio(2, 1) }).done
      await waitFor(async () => (await downloads()).some((d) => d.state === 'retrying'), 'the second download is retried', 15_000)
      // Webhook addresses to write into the application need a saved public URL.
      await harness.app.call('saveSettings', { publicUrl: 'https://example.test' })

      const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
      const journal = new JournalPage(page)
      await page.goto(harness.app.info.uiUrl)
      await journal.byTestId('retry-download').waitFor()
      await page.locator('[data-testid="pending-download"][data-state="retrying"]').waitFor()
      await expectAccessible(page, 'recordings waiting to download or failed')

      await journal.byTestId('nav-settings').click()
      await page.locator('[data-testid="vonage-status"]', { hasText: 'Ready for calls' }).waitFor()
      await journal.byTestId('setting-env-note').first().waitFor()
      await expectAccessible(page, 'Settings with a Vonage application set up')

      await journal.byTestId('setting-api-key').fill(harness.simulator.account.apiKey)
      await journal.byTestId('setting-api-secret').fill(harness.simulator.account.apiSecret)
      await journal.byTestId('configure-vonage').click()
      await journal.byTestId('configure-vonage-result').waitFor({ timeout: 15_000 })
      await expectAccessible(page, 'Settings after writing the webhook URLs into the application')
    } finally {
      await browser.close()
      await harness.close()
    }
  })
})
