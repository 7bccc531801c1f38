import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { Page } from 'playwright'
import type { SettingsDto } from '#shared/intake'
import { TeamReceiver } from '../helpers/team-receiver'
import { waitFor } from '../helpers/wait-for'
import { openWindowSession } from './pages/window-session'

/** The refusal shown under an input, found through the input's own aria-describedby. */
function refusalAt(page: Page, inputId: string): Promise<string | null> {
  return page.evaluate((id) => {
    const ids = document.getElementById(id)?.getAttribute('aria-describedby')?.split(' ') ?? []
    const error = ids.map((describedBy) => document.getElementById(describedBy)).find((element) => element?.dataset.testid === 'setting-field-error')
    return error?.textContent?.trim() ?? null
  }, inputId)
}

describe('Settings → Telling the team, in the window', () => {
  it('refuses a non-http address at its field, then sends a test message to a local receiver and says it arrived', async () => {
    const slack = await TeamReceiver.start()
    // Automatic retries wait a minute here, so the Retry button is what sends the refused message again.
    const session = await openWindowSession({ VOICE_JOURNAL_NOTIFY_RETRY_MS: '60000,60000' })
    const { page, app } = session
    try {
      await page.getByTestId('nav-settings').click()
      const card = page.getByTestId('notify-card')
      await card.waitFor()
      assert.equal(await card.getByTestId('notify-status').textContent(), 'Off')

      await page.getByTestId('setting-notify-slack-url').fill('ftp://x')
      await page.getByTestId('save-settings').click()
      await waitFor(async () => (await refusalAt(page, 'setting-notify-slack-url')) !== null, 'the refusal shows under the Slack URL')
      assert.match((await refusalAt(page, 'setting-notify-slack-url'))!, /Slack webhook URL must be an http:\/\/ or https:\/\/ address/)
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'setting-notify-slack-url', 'the cursor is put there')
      assert.equal((await app.call<SettingsDto>('getSettings')).notifySlackUrl, '', 'nothing saved')

      // A webhook URL without its secret is refused at the secret's field.
      await page.getByTestId('setting-notify-slack-url').fill('')
      await page.getByTestId('setting-notify-webhook-url').fill('https://example.org/hook')
      await page.keyboard.press('Control+s')
      await waitFor(async () => (await refusalAt(page, 'setting-notify-webhook-secret')) !== null, 'the refusal shows under the secret')
      assert.match((await refusalAt(page, 'setting-notify-webhook-secret'))!, /A webhook URL needs a signing secret/)

      await page.getByTestId('setting-notify-webhook-url').fill('')
      await page.getByTestId('setting-notify-slack-url').fill(slack.url)
      await page.getByTestId('save-settings').click()
      await page.getByTestId('settings-saved').waitFor()
      assert.equal(await card.getByTestId('notify-status').textContent(), 'To Slack')

      await card.getByTestId('send-test-notification').click()
      await card.getByTestId('notify-test-result').getByText('Slack: delivered').waitFor()
      assert.equal(slack.acknowledged.length, 1)
      assert.equal((JSON.parse(slack.acknowledged[0]!.body) as { text: string }).text, '👋 Test message from Voice Journal: messages reach you here.')
      await card.locator('[data-destination="slack"]').getByText(/Last message delivered/).waitFor()
      await card.getByTestId('outbox-empty').getByText('Nothing waiting').waitFor()

      // A receiver that refuses: the message is listed with the reason and a Retry button.
      slack.defaultAnswer = 500
      await card.getByTestId('send-test-notification').click()
      await card.getByTestId('notify-test-result').getByText(/Slack: not delivered — The receiver answered 500 Internal Server Error/).waitFor()
      const item = card.getByTestId('outbox-item')
      await item.getByTestId('outbox-error').getByText('The receiver answered 500 Internal Server Error').waitFor()
      slack.defaultAnswer = 200
      await item.getByTestId('retry-notification').click()
      await card.getByTestId('outbox-empty').waitFor()
      assert.equal(slack.acknowledged.length, 2)
      // The two refused saves are 400 answers, which the browser logs; nothing else may be.
      assert.deepEqual(session.errors.filter((error) => !/status of 400/.test(error)), [])
    } finally {
      await session.close()
      await slack.close()
    }
  })
})
