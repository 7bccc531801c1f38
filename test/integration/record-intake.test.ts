import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { signCallback } from '@voice-journal/vonage-sim'
import type { JournalStatus } from '#shared/dto'
import type { IntakeStatus } from '#shared/intake'
import { IntakeHarness, toneAudio } from '../helpers/intake-harness'
import { waitFor } from '../helpers/wait-for'

describe('record mode: Vonage recordings are downloaded with the SDK into the journal', () => {
  let harness: IntakeHarness
  const status = (): Promise<JournalStatus> => harness.app.call<JournalStatus>('getStatus')
  const intake = (): Promise<IntakeStatus> => harness.app.call<IntakeStatus>('getIntakeStatus')

  before(async () => {
    harness = await IntakeHarness.start('record')
  })
  after(() => harness?.close())

  it('turns a simulated call into an MP3 entry at /recordings/YYYY/MM/<recording_uuid>.mp3, identical to the recording', async () => {
    const call = harness.placeCall({ audio: toneAudio(3, 3) })
    const result = await call.done
    assert.equal(result.status, 'completed', result.error)
    const recording = result.recordings[0]!
    const month = recording.startTime.slice(5, 7)
    const path = `/recordings/${recording.startTime.slice(0, 4)}/${month}/${recording.recordingUuid}.mp3`
    await waitFor(async () => (await harness.entries()).some((e) => e.path === path), 'the entry lands', 15_000)
    const entry = (await harness.entries()).find((e) => e.path === path)!
    assert.equal(entry.source, 'record')
    assert.ok(Math.abs(entry.durationMs - recording.durationMs) < 150, `duration ${entry.durationMs} vs ${recording.durationMs}`)
    assert.ok((await harness.app.audio(path)).equals(recording.bytes), 'byte-identical to what Vonage recorded')
    assert.ok(harness.simulator.downloads.some((d) => d.id === recording.fileId && d.status === 200), 'downloaded with a valid application JWT')
    const calls = await harness.app.call<Array<{ uuid: string; entryPath?: string; statuses: Array<{ status: string }> }>>('listCalls')
    const logged = calls.find((c) => c.uuid === call.uuid)!
    assert.deepEqual(logged.statuses.map((s) => s.status), ['started', 'ringing', 'answered', 'completed'])
    assert.equal(logged.entryPath, path, 'the call log says which entry the call produced')
    const journalText = JSON.stringify(await harness.entries())
    assert.ok(!journalText.includes('447700900001'), "the journal holds no caller number")
  })

  it('gives one entry for a recording event delivered twice (and every event twice)', async () => {
    const before = (await status()).entries
    const result = await harness.placeCall({ audio: toneAudio(4, 2), duplicateEvents: true }).done
    const body = result.callbacks.find((c) => c.kind === 'recording')!.body!
    // And once more, later, after the entry exists.
    await waitFor(async () => (await status()).entries === before + 1, 'the entry lands', 15_000)
    const again = await harness.post('/recording', body, signCallback(harness.simulator.account, body))
    assert.equal(again.status, 204)
    // The repeat is queued like any event; once it has left the queue, it has been dealt with.
    const recordingUuid = result.recordings[0]!.recordingUuid
    await waitFor(async () => !(await intake()).downloads.some((d) => d.recordingUuid === recordingUuid), 'the repeated event is dealt with')
    assert.equal((await status()).entries, before + 1)
    const downloads = harness.simulator.downloads.filter((d) => d.id === result.recordings[0]!.fileId)
    assert.equal(downloads.length, 1, 'downloaded once')
  })

  it('retries failed downloads with backoff and shows them while pending', async () => {
    // Downloads that failed for good (another test's) stay listed; this one must come and go.
    const listedBefore = (await intake()).downloads
    harness.simulator.failNextDownloads(2, 503)
    const before = (await status()).entries
    await harness.placeCall({ audio: toneAudio(5, 1) }).done
    await waitFor(async () => (await intake()).downloads.some((d) => d.state === 'retrying'), 'a retrying download is shown', 10_000)
    const retrying = (await intake()).downloads.find((d) => d.state === 'retrying')!
    assert.match(retrying.lastError ?? '', /Service Unavailable|503/i)
    await waitFor(async () => (await status()).entries === before + 1, 'the third attempt lands it', 20_000)
    assert.deepEqual((await intake()).downloads, listedBefore)
  })

  it('refuses a download that is not audio and adds nothing', async () => {
    const before = (await status()).entries
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
    await waitFor(async () => (await intake()).downloads.some((d) => d.recordingUuid === recordingUuid && d.state === 'failed'), 'marked failed', 10_000)
    assert.match((await intake()).downloads.find((d) => d.recordingUuid === recordingUuid)!.lastError!, /Not an audio file/)
    assert.equal((await status()).entries, before)
  })

  it('keeps pending downloads through SIGKILL and a restart, and lands each exactly once', async () => {
    const before = (await status()).entries
    harness.simulator.latencyMs = 60_000 // the downloads are in flight when the app dies
    const results = await Promise.all([1, 2, 3, 4, 5].map((seed) => harness.placeCall({ audio: toneAudio(20 + seed, 1) }).done))
    await waitFor(async () => (await intake()).downloads.filter((d) => d.state === 'downloading').length === 5, 'five downloads in flight', 10_000)
    await harness.crashAndRestart()
    harness.simulator.latencyMs = 0
    await waitFor(async () => (await status()).entries === before + 5, 'all five land after the restart', 30_000)
    const paths = (await harness.entries()).map((e) => e.path)
    for (const result of results) {
      const uuid = result.recordings[0]!.recordingUuid
      assert.equal(paths.filter((p) => p.endsWith(`/${uuid}.mp3`)).length, 1, `recording ${uuid} exactly once`)
    }
    assert.deepEqual((await intake()).downloads.filter((d) => d.state !== 'failed'), [])
  })

  it('lands every recording whose event was acknowledged, even when the app is killed the moment the first acknowledgement arrives', async () => {
    harness.simulator.latencyMs = 60_000 // nothing is downloaded before the kill: only the queue can keep them
    const mp3 = toneAudio(40, 1).mp3()
    const events = Array.from({ length: 20 }, () => {
      const file = harness.simulator.recordings.add(mp3, 'audio/mpeg')
      const recordingUuid = randomUUID()
      const body = JSON.stringify({
        start_time: new Date().toISOString(),
        recording_url: `${harness.simulator.url}/v1/files/${file.id}`,
        size: mp3.length,
        recording_uuid: recordingUuid,
        conversation_uuid: `CON-${randomUUID()}`,
        timestamp: new Date().toISOString()
      })
      return { recordingUuid, body }
    })
    const acknowledged: string[] = []
    let killed: Promise<void> | undefined
    await Promise.allSettled(
      events.map(async ({ recordingUuid, body }) => {
        const response = await harness.post('/recording', body, signCallback(harness.simulator.account, body))
        if (response.status !== 204) return
        acknowledged.push(recordingUuid)
        // SIGKILL in the same turn as the first acknowledgement: the others are cut wherever they are.
        killed ??= harness.app.kill()
      })
    )
    assert.ok(killed, 'at least one event was acknowledged')
    await killed
    harness.simulator.latencyMs = 0
    await harness.startApp()
    const landed = async (): Promise<string[]> => (await harness.entries()).map((e) => e.path)
    await waitFor(async () => {
      const paths = await landed()
      return acknowledged.every((uuid) => paths.some((p) => p.endsWith(`/${uuid}.mp3`)))
    }, `all ${acknowledged.length} acknowledged recordings land after the restart`, 30_000)
    const paths = await landed()
    for (const uuid of acknowledged) assert.equal(paths.filter((p) => p.endsWith(`/${uuid}.mp3`)).length, 1, `recording ${uuid} exactly once`)
  })

  it('writes its webhook URLs into the Vonage application through the Applications API', async () => {
    await harness.app.call('saveSettings', { publicUrl: 'https://journal.example.org/' })
    try {
      const { apiKey, apiSecret } = harness.simulator.account
      await assert.rejects(harness.app.call('configureVonageApplication', { apiKey, apiSecret: 'wrong' }), /API key or secret is wrong/)
      const result = await harness.app.call('configureVonageApplication', { apiKey, apiSecret })
      assert.deepEqual(result, { answerUrl: 'https://journal.example.org/webhooks/answer', eventUrl: 'https://journal.example.org/webhooks/event' })
      const webhooks = harness.simulator.application.capabilities.voice?.webhooks
      assert.equal(webhooks?.answer_url?.address, 'https://journal.example.org/webhooks/answer')
      assert.equal(webhooks?.answer_url?.http_method, 'GET')
      assert.equal(webhooks?.event_url?.address, 'https://journal.example.org/webhooks/event')
      assert.equal(harness.simulator.application.name, 'Voice Journal (simulated)', 'the rest of the application is kept')
    } finally {
      await harness.app.call('saveSettings', { publicUrl: '' })
    }
  })
})
