import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { signCallback } from '@voice-journal/vonage-sim'
import type { SettingsDto } from '#shared/intake'
import type { NotificationsStatus } from '#shared/notify'
import { IntakeHarness, toneAudio } from '../helpers/intake-harness'
import { readmeSignatureCheck } from '../helpers/readme-signature-check'
import { TeamReceiver } from '../helpers/team-receiver'
import { waitFor } from '../helpers/wait-for'

const SECRET = 'the-team-webhook-secret-1234'

interface EntryAddedBody {
  id: string
  type: string
  text: string
  event: { type: 'entry-added'; journal: string; entryPath: string; title: string; callId?: string }
}

describe('telling the team from the app: record-mode calls, refusals, a dead receiver, a restart', () => {
  let harness: IntakeHarness
  let slack: TeamReceiver
  let webhook: TeamReceiver

  /** The webhook messages about `entryPath` that the receiver acknowledged. */
  const webhookAbout = (entryPath: string): EntryAddedBody[] =>
    webhook.acknowledged.map((m) => JSON.parse(m.body) as EntryAddedBody).filter((body) => body.event.type === 'entry-added' && body.event.entryPath === entryPath)
  const recordingPath = (recording: { startTime: string; recordingUuid: string }): string =>
    `/recordings/${recording.startTime.slice(0, 4)}/${recording.startTime.slice(5, 7)}/${recording.recordingUuid}.mp3`
  /** A window's call whose refusal is read whole: status, message and the field it names. */
  const refusal = async (method: string, args: unknown): Promise<{ status: number; error: { code: string; message: string; field?: string } }> => {
    const response = await fetch(`${harness.app.origin}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${harness.app.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args)
    })
    return { status: response.status, ...((await response.json()) as { error: { code: string; message: string; field?: string } }) }
  }

  before(async () => {
    slack = await TeamReceiver.start()
    webhook = await TeamReceiver.start()
    harness = await IntakeHarness.start('record', {
      env: {
        NOTIFY_SLACK_URL: slack.url,
        NOTIFY_WEBHOOK_URL: webhook.url,
        NOTIFY_WEBHOOK_SECRET: SECRET,
        // Retries in a test's time: 200 ms doubling to 3 s instead of 1 s to 5 minutes.
        VOICE_JOURNAL_NOTIFY_RETRY_MS: '200,3000'
      }
    })
  })
  after(async () => {
    await harness?.close()
    await slack?.close()
    await webhook?.close()
  })

  it('tells both receivers when a call becomes an entry: Slack JSON, and a signed webhook the README check accepts', async () => {
    slack.defaultAnswer = 200
    webhook.defaultAnswer = 200
    const result = await harness.placeCall({ audio: toneAudio(1, 2) }).done
    const path = recordingPath(result.recordings[0]!)
    await waitFor(() => webhookAbout(path).length === 1, 'the webhook is told about the entry', 20_000)
    const body = webhookAbout(path)[0]!
    const message = webhook.acknowledged.find((m) => m.body.includes(path))!
    assert.equal((await readmeSignatureCheck())(SECRET, message.headers, message.body), true, 'signed with the secret')
    const entry = (await harness.entries()).find((candidate) => candidate.path === path)!
    assert.equal(body.event.callId, entry.callId, 'the call’s opaque id, as the journal groups its recordings by')
    assert.match(body.event.callId ?? '', /^[0-9a-f]{16}$/)
    assert.ok(!body.text.includes(result.conversationUuid) && !JSON.stringify(body).includes(result.uuid), 'no Vonage id goes out')
    assert.match(body.event.title, /^Recording \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/)
    assert.equal(body.text, `🎙️ New entry in ${body.event.journal}: ${body.event.title}`)
    assert.ok(!message.body.includes('447700900001'), 'no phone number')
    await waitFor(() => slack.acknowledged.some((m) => (JSON.parse(m.body) as { text: string }).text === `🎙️ New entry in *${body.event.journal}*: ${body.event.title}`), 'Slack is told too', 20_000)
    const status = await harness.app.call<NotificationsStatus>('getNotifications')
    assert.ok(status.destinations.every((d) => d.configured && d.lastDeliveredAt !== null))
  })

  it('refuses an address that is not http(s) and a webhook URL without its secret, naming the field', async () => {
    const ftp = await refusal('saveSettings', { notifySlackUrl: 'ftp://x' })
    assert.equal(ftp.status, 400)
    assert.equal(ftp.error.field, 'notifySlackUrl')
    assert.match(ftp.error.message, /^Slack webhook URL must be an http:\/\/ or https:\/\/ address/)
    const credentials = await refusal('saveSettings', { greeting: 'changed', notifySlackUrl: 'https://user:pass@hooks.example.org/x' })
    assert.equal(credentials.error.field, 'notifySlackUrl')
    // The environment fixes this run's addresses; the rule between URL and secret is checked on the saved ones too.
    const fixed = await refusal('saveSettings', { notifyWebhookUrl: 'https://example.org/hook' })
    assert.equal(fixed.error.field, 'notifyWebhookUrl')
    assert.match(fixed.error.message, /NOTIFY_WEBHOOK_URL environment variable/)
    const settings = await harness.app.call<SettingsDto>('getSettings')
    assert.equal(settings.greeting, '', 'a refused change saves nothing')
    assert.equal(settings.notifyWebhookSecretSet, true)
    assert.ok(!JSON.stringify(settings).includes(SECRET), 'the secret never travels to the window')
  })

  it('tells the team when a recording cannot be downloaded; Retry of an unknown message is refused', async () => {
    webhook.defaultAnswer = 200
    const recordingUuid = randomUUID()
    const fileId = randomUUID()
    harness.simulator.serveNonAudio(fileId)
    const body = JSON.stringify({
      start_time: new Date().toISOString(),
      recording_url: `${harness.simulator.url}/v1/files/${fileId}`,
      size: 100,
      recording_uuid: recordingUuid,
      conversation_uuid: `CON-${randomUUID()}`,
      timestamp: new Date().toISOString()
    })
    assert.equal((await harness.post('/recording', body, signCallback(harness.simulator.account, body))).status, 204)
    const told = () => webhook.acknowledged.map((m) => JSON.parse(m.body) as { text: string; event: { type: string; recordingUuid?: string } }).find((b) => b.event.recordingUuid === recordingUuid)
    await waitFor(() => told() !== undefined, 'the webhook is told the download failed', 20_000)
    assert.equal(told()!.event.type, 'download-failed')
    assert.match(told()!.text, /^⚠️ A recording could not be downloaded: Not an audio file/)
    const malformed = await refusal('retryNotification', { id: 42 })
    assert.deepEqual([malformed.status, malformed.error.field], [400, 'id'])
    const unknown = await refusal('retryNotification', { id: randomUUID() })
    assert.deepEqual([unknown.status, unknown.error.code], [404, 'not-found'])
  })

  it('answers Vonage and adds entries at once while both receivers never answer', async () => {
    slack.defaultAnswer = 'hang'
    webhook.defaultAnswer = 'hang'
    try {
      const before = (await harness.entries()).length
      const results = await Promise.all([11, 12, 13].map((seed) => harness.placeCall({ audio: toneAudio(seed, 1) }).done))
      for (const result of results) {
        assert.deepEqual(result.callbacks.filter((c) => c.kind === 'recording').map((c) => c.status), [204], 'the recording event acknowledged at first try')
      }
      await waitFor(async () => (await harness.entries()).length === before + 3, 'the entries land', 20_000)
      await waitFor(async () => (await harness.app.call<NotificationsStatus>('getNotifications')).destinations.every((d) => d.waiting.some((m) => m.state === 'sending')), 'messages hang at the receivers')
      // With the receivers holding every connection open, a webhook is still answered at once.
      const body = results[0]!.callbacks.find((c) => c.kind === 'recording')!.body!
      const started = performance.now()
      const again = await harness.post('/recording', body, signCallback(harness.simulator.account, body))
      const ms = performance.now() - started
      assert.equal(again.status, 204)
      assert.ok(ms < 1000, `a webhook took ${Math.round(ms)} ms to be answered`)
    } finally {
      slack.defaultAnswer = 200
      webhook.defaultAnswer = 200
    }
  })

  it('delivers every message exactly once after the receivers were down for 10 s and the app restarted in between', async () => {
    // Messages of earlier tests go first, so everything Slack gets from here on is this test's.
    await waitFor(async () => (await harness.app.call<NotificationsStatus>('getNotifications')).destinations.every((d) => d.pending === 0), 'earlier messages delivered', 30_000)
    const slackBefore = slack.acknowledged.length
    await slack.down()
    await webhook.down()
    const downSince = Date.now()
    let paths: string[] = []
    try {
      const results = await Promise.all([21, 22, 23].map((seed) => harness.placeCall({ audio: toneAudio(seed, 1) }).done))
      paths = results.map((result) => recordingPath(result.recordings[0]!))
      await waitFor(async () => {
        const entries = await harness.entries()
        return paths.every((path) => entries.some((e) => e.path === path))
      }, 'the three entries land', 20_000)
      await waitFor(async () => {
        const status = await harness.app.call<NotificationsStatus>('getNotifications')
        return status.destinations.every((d) => d.waiting.filter((m) => /ECONNREFUSED/.test(m.lastError ?? '')).length === 3)
      }, 'their messages refused at both receivers')
      await harness.restart()
      const status = await harness.app.call<NotificationsStatus>('getNotifications')
      assert.ok(status.destinations.every((d) => d.pending === 3), 'the three messages per receiver are back after the restart')
      // The scenario's outage itself (not a wait for a condition): the receivers come back 10 s after going down.
      await sleep(Math.max(0, 10_000 - (Date.now() - downSince)))
    } finally {
      await slack.up()
      await webhook.up()
    }
    await waitFor(async () => (await harness.app.call<NotificationsStatus>('getNotifications')).destinations.every((d) => d.pending === 0), 'nothing pending', 20_000)
    for (const path of paths) assert.equal(webhookAbout(path).length, 1, `the webhook got ${path} once`)
    const slackTexts = slack.acknowledged.slice(slackBefore).map((m) => (JSON.parse(m.body) as { text: string }).text)
    assert.equal(slackTexts.length, 3, `Slack got three messages: ${slackTexts.join(' | ')}`)
    assert.ok(slackTexts.every((text) => text.startsWith('🎙️ New entry in *')))
  })
})

describe('telling the team from the app: stream mode', () => {
  it('tells the webhook when a streamed call becomes an entry, with the call’s id', async () => {
    const webhook = await TeamReceiver.start()
    const harness = await IntakeHarness.start('stream', { env: { NOTIFY_WEBHOOK_URL: webhook.url, NOTIFY_WEBHOOK_SECRET: SECRET } })
    try {
      const call = harness.placeCall({ audio: toneAudio(7, 1) })
      await call.done
      await waitFor(() => webhook.acknowledged.length === 1, 'the webhook is told', 20_000)
      const body = JSON.parse(webhook.acknowledged[0]!.body) as EntryAddedBody
      assert.equal(body.event.type, 'entry-added')
      assert.match(body.event.entryPath, new RegExp(`^/recordings/\\d{4}/\\d\\d/${call.uuid}\\.wav$`))
      assert.match(body.event.callId ?? '', /^[0-9a-f]{16}$/, 'an opaque id, not Vonage’s')
      assert.ok(!JSON.stringify(body.event.callId).includes(call.uuid))
      assert.equal((await readmeSignatureCheck())(SECRET, webhook.acknowledged[0]!.headers, webhook.acknowledged[0]!.body), true)
    } finally {
      await harness.close()
      await webhook.close()
    }
  })
})
