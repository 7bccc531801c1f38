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

describe('settings for telling the team', () => {
  it('refuses an address that is not http(s) or carries a password, at its field, and saves nothing', async () => {
    const data = await makeTempDir()
    try {
      const store = await SettingsStore.load(data.dir, {})
      for (const [field, value] of [
        ['notifySlackUrl', 'ftp://x'],
        ['notifySlackUrl', 'javascript:alert(1)'],
        ['notifyWebhookUrl', 'https://user:secret@example.org/hook'],
        ['notifyWebhookUrl', 'not a url']
      ] as const) {
        const answer = await saveThroughApi(store, { [field]: value, greeting: 'changed' })
        assert.equal(answer.ok, false)
        assert.equal(!answer.ok && answer.error.field, field, `${value} refused at ${field}`)
        assert.match(!answer.ok ? answer.error.message : '', /must be an http:\/\/ or https:\/\/ address without a user name or password/)
      }
      assert.notEqual(store.value.greeting, 'changed')
      const accepted = await saveThroughApi(store, { notifySlackUrl: ' https://hooks.slack.com/services/T0/B0/x ' })
      assert.equal(accepted.ok && (accepted.result as SettingsDto).notifySlackUrl, 'https://hooks.slack.com/services/T0/B0/x')
    } finally {
      await data.cleanup()
    }
  })

  it('needs a signing secret of 16 characters or more with a webhook URL, and never shows it', async () => {
    const data = await makeTempDir()
    try {
      const store = await SettingsStore.load(data.dir, {})
      const withoutSecret = await saveThroughApi(store, { notifyWebhookUrl: 'https://example.org/hook' })
      assert.equal(!withoutSecret.ok && withoutSecret.error.field, 'notifyWebhookSecret')
      assert.match(!withoutSecret.ok ? withoutSecret.error.message : '', /A webhook URL needs a signing secret/)
      const short = await saveThroughApi(store, { notifyWebhookUrl: 'https://example.org/hook', notifyWebhookSecret: 'short' })
      assert.equal(!short.ok && short.error.field, 'notifyWebhookSecret')
      const saved = await saveThroughApi(store, { notifyWebhookUrl: 'https://example.org/hook', notifyWebhookSecret: 'sixteen-chars-ok' })
      assert.ok(saved.ok)
      assert.equal((saved.result as SettingsDto).notifyWebhookSecretSet, true)
      assert.ok(!JSON.stringify(saved.result).includes('sixteen-chars-ok'), 'the secret is not sent back')
      // Removing the secret while the URL stays is the same refusal.
      const removed = await saveThroughApi(store, { notifyWebhookSecret: '' })
      assert.equal(!removed.ok && removed.error.field, 'notifyWebhookSecret')
      assert.ok((await saveThroughApi(store, { notifyWebhookUrl: '', notifyWebhookSecret: '' })).ok, 'both cleared together')
    } finally {
      await data.cleanup()
    }
  })

  it('takes the NOTIFY_* environment variables, and stops a start whose webhook URL has no secret', async () => {
    const data = await makeTempDir()
    try {
      const env = { NOTIFY_SLACK_URL: 'https://hooks.slack.com/services/T/B/x', NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook', NOTIFY_WEBHOOK_SECRET: 'from-the-environment' }
      const store = await SettingsStore.load(data.dir, env)
      assert.deepEqual(store.toDto().fromEnvironment.sort(), ['notifySlackUrl', 'notifyWebhookSecret', 'notifyWebhookUrl'])
      assert.equal(store.value.notifyWebhookSecret, 'from-the-environment')
      await assert.rejects(SettingsStore.load(data.dir, { NOTIFY_SLACK_URL: 'ftp://x' }), (error: Error) => error instanceof SettingsError && error.field === 'notifySlackUrl' && /^NOTIFY_SLACK_URL: /.test(error.message))
      await assert.rejects(SettingsStore.load(data.dir, { NOTIFY_WEBHOOK_URL: 'https://example.org/hook' }), (error: Error) => error instanceof SettingsError && error.field === 'notifyWebhookSecret')
    } finally {
      await data.cleanup()
    }
  })
})
