import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, it } from 'node:test'
import * as v from 'valibot'
import type { NotificationsStatus } from '#shared/notify'
import { SettingsSchema, type Settings } from '#shared/settings-schema'
import { Notifier } from '../../src/main/notify/notifier'
import { Outbox, type OutboxMessage } from '../../src/main/notify/outbox'
import { DeliveryError } from '../../src/main/notify/post-message'
import type { RetryPolicy } from '../../src/main/notify/retry-policy'
import type { TeamEvent } from '../../src/main/notify/team-event'
import { readmeSignatureCheck } from '../helpers/readme-signature-check'
import { TeamReceiver, type ReceivedMessage } from '../helpers/team-receiver'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

const SECRET = 'a-webhook-secret-for-the-tests'
/** Fast enough for a test, and the same shape as the real policy (1 s doubling to 5 min, 12 attempts). */
const FAST_RETRY: RetryPolicy = { baseMs: 200, capMs: 3000, maxAttempts: 12 }

const entryAdded = (title: string): TeamEvent => ({ type: 'entry-added', at: Date.UTC(2026, 10, 30, 13, 24), journal: 'My journal', entryPath: `/recordings/2026/11/${title}.mp3`, title })
const bodyOf = (message: ReceivedMessage): Record<string, unknown> => JSON.parse(message.body) as Record<string, unknown>

describe('telling the team: the notifier and its durable outbox', () => {
  let data: Awaited<ReturnType<typeof makeTempDir>>
  let slack: TeamReceiver
  let webhook: TeamReceiver
  let settings: Settings
  let notifier: Notifier | null = null

  const boot = async (options: { retry?: RetryPolicy; timeoutMs?: number } = {}): Promise<Notifier> => {
    notifier = await Notifier.boot({ dataDir: data.dir, settings: () => settings, retry: options.retry ?? FAST_RETRY, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) })
    return notifier
  }
  const useSettings = (values: Record<string, unknown>): void => {
    settings = v.parse(SettingsSchema, values)
  }
  const destination = (status: NotificationsStatus, name: 'slack' | 'webhook') => status.destinations.find((d) => d.destination === name)!

  beforeEach(async () => {
    data = await makeTempDir('notify-')
    slack = await TeamReceiver.start()
    webhook = await TeamReceiver.start()
    useSettings({ notifySlackUrl: slack.url, notifyWebhookUrl: webhook.url, notifyWebhookSecret: SECRET })
  })
  afterEach(async () => {
    await notifier?.close()
    notifier = null
    await slack.close()
    await webhook.close()
    await data.cleanup()
  })

  it("gives a Slack-compatible receiver Slack's message JSON: the line as text and as a block", async () => {
    useSettings({ notifySlackUrl: slack.url })
    const service = await boot()
    service.publish(entryAdded('Recording 30 Nov 2026, 13:24'))
    await waitFor(() => slack.acknowledged.length === 1, 'Slack got the message')
    const [message] = slack.received
    assert.equal(message!.headers['content-type'], 'application/json')
    const body = bodyOf(message!) as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string } }> }
    assert.equal(body.text, '🎙️ New entry in *My journal*: Recording 30 Nov 2026, 13:24')
    assert.deepEqual(body.blocks[0], { type: 'section', text: { type: 'mrkdwn', text: body.text } })
    assert.equal(body.blocks[1]!.type, 'context', 'when it happened, in each reader’s time zone')
    assert.equal(webhook.received.length, 0, 'a destination without an address gets nothing')
    await waitFor(() => destination(service.status(), 'slack').lastDeliveredAt !== null, 'the status says when it was delivered')
  })

  it('signs the generic webhook so the check the README gives receivers accepts it, and nothing altered', async () => {
    const verify = await readmeSignatureCheck()
    const service = await boot()
    service.publish({ type: 'call-answered', callId: 'c0ffee', hotline: 'Code of conduct', at: Date.now(), staffName: 'Ana', waitedMs: 12_300 })
    await waitFor(() => webhook.acknowledged.length === 1, 'the webhook got the message')
    const [message] = webhook.received
    assert.equal(verify(SECRET, message!.headers, message!.body), true, 'verifies with the secret')
    assert.equal(verify('another-secret-of-some-length', message!.headers, message!.body), false, 'not with another secret')
    assert.equal(verify(SECRET, message!.headers, message!.body.replace('Ana', 'Eve')), false, 'not once the body is changed')
    assert.equal(verify(SECRET, { ...message!.headers, 'x-voice-journal-timestamp': String(Math.floor(Date.now() / 1000) - 3600) }, message!.body), false, 'not an hour later')
    const body = bodyOf(message!)
    assert.match(String(body.id), /^[0-9a-f-]{36}$/, 'an id to recognise repeats by')
    assert.equal(body.type, 'call-answered')
    assert.equal(body.text, '✅ Hotline Code of conduct: Ana answered after 12 s')
    assert.deepEqual(body.event, { type: 'call-answered', callId: 'c0ffee', hotline: 'Code of conduct', at: (body.event as { at: number }).at, staffName: 'Ana', waitedMs: 12_300 })
    await waitFor(() => slack.acknowledged.length === 1, 'Slack got its own copy')
  })

  it('retries whatever is not a 2xx (500, a redirect, 404) and delivers the message once, the same bytes each time', async () => {
    webhook.answers = [500, 302, 404]
    const service = await boot()
    service.publish({ type: 'download-failed', at: Date.now(), recordingUuid: randomUUID(), reason: 'The file was not there (404)' })
    await waitFor(() => webhook.acknowledged.length === 1, 'the fourth attempt is acknowledged')
    assert.deepEqual(webhook.received.map((m) => m.status), [500, 302, 404, 200])
    assert.equal(new Set(webhook.received.map((m) => m.body)).size, 1, 'one message, sent four times')
    await waitFor(() => destination(service.status(), 'webhook').pending === 0, 'nothing pending')
    await sleep(FAST_RETRY.capMs) // long enough for any further (wrong) attempt to have happened
    assert.equal(webhook.received.length, 4, 'not sent again after the 200')
  })

  it('shows a message waiting to retry with its reason, then as failed after its last attempt; Retry sends it again', async () => {
    useSettings({ notifyWebhookUrl: webhook.url, notifyWebhookSecret: SECRET })
    webhook.defaultAnswer = 503
    const service = await boot({ retry: { baseMs: 100, capMs: 200, maxAttempts: 3 } })
    service.publish({ type: 'test', at: Date.now() })
    await waitFor(() => destination(service.status(), 'webhook').waiting.some((m) => m.state === 'retrying'), 'shown as retrying')
    const retrying = destination(service.status(), 'webhook').waiting[0]!
    assert.match(retrying.lastError ?? '', /The receiver answered 503 Service Unavailable/)
    assert.ok(retrying.nextAttemptAt! > Date.now() - 1000, 'with when it is tried next')
    await waitFor(() => destination(service.status(), 'webhook').failed.length === 1, 'failed after three attempts')
    const failed = destination(service.status(), 'webhook').failed[0]!
    assert.equal(failed.attempts, 3)
    assert.equal(failed.summary, '👋 Test message from Voice Journal: messages reach you here.')
    assert.equal(webhook.received.length, 3)
    webhook.defaultAnswer = 200
    assert.equal(service.retry(failed.id), true)
    await waitFor(() => webhook.acknowledged.length === 1, 'delivered on retry')
    await waitFor(() => destination(service.status(), 'webhook').failed.length === 0, 'no longer failed')
    assert.equal(service.retry(failed.id), false, 'a delivered message cannot be retried')
  })

  it('keeps every message through a receiver down for 10 s and a restart in between, and delivers each exactly once', async () => {
    await slack.down()
    await webhook.down()
    const downSince = Date.now()
    let service = await boot()
    const titles = ['one', 'two', 'three', 'four', 'five']
    for (const title of titles) service.publish(entryAdded(title))
    await waitFor(() => service.status().destinations.every((d) => d.pending === 5 && d.waiting.every((m) => m.attempts >= 2)), 'every message tried and refused twice')
    assert.match(destination(service.status(), 'slack').waiting[0]!.lastError ?? '', /Could not reach 127\.0\.0\.1:\d+: ECONNREFUSED/)
    // A real close and reopen of the data directory: the second notifier only has the disk.
    await service.close()
    service = await boot()
    assert.equal(destination(service.status(), 'webhook').pending, 5, 'all five are back after the restart')
    // The scenario's outage itself (not a wait for a condition): the receivers come back after 10 s.
    await sleep(Math.max(0, 10_000 - (Date.now() - downSince)))
    await slack.up()
    await webhook.up()
    await waitFor(() => slack.acknowledged.length >= 5 && webhook.acknowledged.length >= 5, 'all five arrive at both', 15_000)
    await waitFor(() => service.status().destinations.every((d) => d.pending === 0), 'nothing pending')
    const slackTexts = slack.acknowledged.map((m) => (bodyOf(m) as { text: string }).text)
    assert.deepEqual(slackTexts.sort(), titles.map((title) => `🎙️ New entry in *My journal*: ${title}`).sort(), 'Slack: each once')
    const ids = webhook.acknowledged.map((m) => bodyOf(m).id)
    assert.equal(new Set(ids).size, 5, 'webhook: five different messages')
    assert.equal(ids.length, 5, 'webhook: none twice')
  })

  it('publish returns at once while a receiver never answers, which holds up only its own messages; the attempt times out with a reason', async () => {
    webhook.defaultAnswer = 'hang'
    const service = await boot({ timeoutMs: 5000 })
    const started = performance.now()
    for (let i = 0; i < 20; i++) service.publish(entryAdded(`hanging ${i}`))
    assert.ok(performance.now() - started < 50, `20 publishes took ${Math.round(performance.now() - started)} ms`)
    // Well before the hanging attempts time out: the webhook's stuck connections take no slot of Slack's.
    await waitFor(() => slack.acknowledged.length === 20, 'Slack gets all twenty meanwhile', 3000)
    await waitFor(() => destination(service.status(), 'webhook').waiting.some((m) => /^No answer within 5 s$/.test(m.lastError ?? '')), 'a timed-out attempt is shown')
  })

  it("sends the caller's number only when staff may see it, and nothing for a switched-off kind of event", async () => {
    useSettings({ notifyWebhookUrl: webhook.url, notifyWebhookSecret: SECRET })
    const service = await boot()
    const started = (callId: string): TeamEvent => ({ type: 'call-started', callId, hotline: 'Code of conduct', at: Date.now(), callerNumber: '+447700900123' })
    service.publish(started('hidden'))
    await waitFor(() => webhook.acknowledged.length === 1, 'the first call-started arrives')
    assert.ok(!webhook.received[0]!.body.includes('447700900123'), 'no number while showCallerNumber is off')
    assert.equal(bodyOf(webhook.received[0]!).text, '📞 Hotline Code of conduct: a call started')
    useSettings({ notifyWebhookUrl: webhook.url, notifyWebhookSecret: SECRET, showCallerNumber: true, tellTeamEntryAdded: false })
    service.publish(started('shown'))
    service.publish(entryAdded('switched off'))
    await waitFor(() => webhook.acknowledged.length === 2, 'the second call-started arrives')
    assert.equal(bodyOf(webhook.received[1]!).text, '📞 Hotline Code of conduct: a call started from +447700900123')
    assert.equal((await service.enqueue(entryAdded('switched off'))).length, 0, 'entry-added is switched off')
  })

  it('"Send a test message" says what each destination answered', async () => {
    webhook.defaultAnswer = 500
    const service = await boot()
    const { results } = await service.sendTest()
    assert.deepEqual(results.find((r) => r.destination === 'slack'), { destination: 'slack', outcome: 'delivered' })
    assert.deepEqual(results.find((r) => r.destination === 'webhook'), { destination: 'webhook', outcome: 'failed', error: 'The receiver answered 500 Internal Server Error' })
  })
})

describe('the outbox log', () => {
  it('is compacted while in use: delivered messages leave it, none pending is lost, and each is sent once', async () => {
    const data = await makeTempDir('outbox-')
    const file = join(data.dir, 'outbox.log')
    const sent: string[] = []
    // Every fifth message is refused until the restart, so some stay pending across compactions.
    const stuck = (message: OutboxMessage): boolean => Number(message.summary) % 5 === 0
    const message = (n: number): OutboxMessage => ({ id: randomUUID(), destination: 'webhook', body: `{"n":${n}}`, summary: String(n), createdAt: Date.now() })
    try {
      const outbox = await Outbox.open({
        file,
        compactAfter: 20,
        retry: { baseMs: 60_000, capMs: 60_000, maxAttempts: 12 },
        send: async (m) => {
          if (stuck(m)) throw new DeliveryError('not yet')
          sent.push(m.summary)
        }
      })
      await Promise.all(Array.from({ length: 200 }, (_, n) => outbox.add(message(n))))
      await waitFor(() => sent.length === 160, 'every other message delivered')
      await waitFor(() => outbox.list().every((item) => item.state === 'retrying'), 'the refused ones wait to retry')
      await outbox.close()
      const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean).length
      assert.ok(lines < 200, `the log holds ${lines} lines, not one per message ever sent`)

      const reopened = await Outbox.open({ file, send: async (m) => void sent.push(m.summary) })
      await waitFor(() => sent.length === 200, 'the forty refused ones delivered after the restart')
      await reopened.close()
      assert.equal(new Set(sent).size, 200, 'each message sent once')
      assert.notEqual(reopened.lastDeliveredAt('webhook'), null)
    } finally {
      await data.cleanup()
    }
  })
})
