import { strict as assert } from 'node:assert'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { loadCallerAudio, signCallback, type SimRecording } from '@voice-journal/vonage-sim'
import { AppServices } from '../../src/main/app/app-services'
import type { Journal } from '../../src/main/journal/journal'
import { transcriptPathOf } from '../../src/main/journal/entry-path'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import type { EntryDto, JournalStatus, LibraryItem } from '#shared/dto'
import type { IntakeStatus, PendingDownload } from '#shared/intake'
import type { TranscriptDto } from '#shared/transcript-dto'
import { IntakeHarness, toneAudio } from '../helpers/intake-harness'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

/** Where a simulated recording lands: /recordings/YYYY/MM/<recording_uuid>.mp3. */
const entryPathOf = (recording: { startTime: string; recordingUuid: string }): string =>
  `/recordings/${recording.startTime.slice(0, 4)}/${recording.startTime.slice(5, 7)}/${recording.recordingUuid}.mp3`

// The app (a separate process, record mode, VONAGE_TRANSCRIPTION=en-US) takes simulated calls; a
// second peer in this process follows its journal over the testnet and reads the transcripts there,
// as anyone reading the journal would.
describe('transcripts: record-mode calls with transcription on', () => {
  let harness: IntakeHarness
  let reader: AppServices
  let journalOnReader: Journal | undefined
  let journalKey = ''
  const cleanups: Array<() => Promise<void>> = []
  const status = (): Promise<JournalStatus> => harness.app.call<JournalStatus>('getStatus')
  const intake = (): Promise<IntakeStatus> => harness.app.call<IntakeStatus>('getIntakeStatus')
  const pendingTranscript = async (recordingUuid: string): Promise<PendingDownload | undefined> =>
    (await intake()).downloads.find((download) => download.kind === 'transcript' && download.recordingUuid === recordingUuid)
  /** The reading peer follows the journal once it has a first entry (an empty journal has nothing to find it by). */
  const followed = async (): Promise<Journal> => {
    if (!journalOnReader) {
      const { item } = await reader.api.addToLibrary({ link: journalKey })
      journalOnReader = await reader.library.whenReadable(item.key, 20_000)
    }
    return journalOnReader
  }
  /** The transcript beside `entryPath` as the reading peer has it (null: none yet). */
  const transcriptOnReader = async (entryPath: string): Promise<unknown> => {
    const journal = await followed()
    try {
      const bytes = await journal.drive.get(transcriptPathOf(entryPath), { timeout: 2000 })
      return bytes ? (JSON.parse(bytes.toString('utf8')) as unknown) : null
    } catch {
      return null // not replicated yet
    }
  }
  const sign = (body: string): string => signCallback(harness.simulator.account, body)
  /** A transcription event as Vonage posts it. */
  const transcriptionEvent = (fields: Record<string, unknown>): string =>
    JSON.stringify({ conversation_uuid: `CON-${randomUUID()}`, status: 'transcribed', type: 'record', ...fields })
  /** Puts a recording and a transcript on the simulated API host, as a call would have. */
  function storeOnSimulator(seed: number): { recording: SimRecording; recordingBody: string; transcript: unknown; transcriptionBody: string } {
    const audio = toneAudio(seed, 1)
    const recordingUuid = randomUUID()
    const startTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const file = harness.simulator.recordings.add(audio.mp3(), 'audio/mpeg')
    const transcript = loadCallerAudio().transcript!
    const transcriptFile = harness.simulator.recordings.add(Buffer.from(JSON.stringify(transcript)), 'application/json')
    const recording = { recordingUuid, startTime, fileId: file.id, url: `${harness.simulator.url}/v1/files/${file.id}` } as SimRecording
    return {
      recording,
      recordingBody: JSON.stringify({ start_time: startTime, recording_url: recording.url, size: file.bytes.length, recording_uuid: recordingUuid, end_time: startTime, timestamp: new Date().toISOString() }),
      transcript,
      transcriptionBody: transcriptionEvent({ recording_uuid: recordingUuid, transcription_url: `${harness.simulator.url}/v1/files/${transcriptFile.id}` })
    }
  }

  before(async () => {
    harness = await IntakeHarness.start('record', { env: { VONAGE_TRANSCRIPTION: 'en-US' } })
    const dir = await makeTempDir()
    cleanups.push(dir.cleanup)
    reader = await AppServices.boot({ dataDir: dir.dir, bootstrap: parseBootstrap(harness.bootstrap) })
    // Calls go to a public journal here, which the reader follows by its key alone (a private one
    // keeps its transcripts encrypted like its audio: Hypercore encrypts every block).
    const { key } = await harness.app.call<LibraryItem>('createJournal', { name: 'Calls', private: false })
    await harness.app.call('setActiveJournal', { journal: key })
    journalKey = key
  })
  after(async () => {
    await reader?.shutdown()
    await harness?.close()
    for (const cleanup of cleanups) await cleanup()
  })

  it("ends a call with its entry and the simulator's transcript beside it, which a second peer reads too", async () => {
    const result = await harness.placeCall().done
    assert.equal(result.status, 'completed', result.error)
    const recording = result.recordings[0]!
    assert.equal(recording.transcription?.language, 'en-US', 'the NCCO asked for transcription in the chosen language')
    assert.deepEqual(result.callbacks.filter((callback) => callback.kind === 'transcription').map((callback) => callback.status), [204])
    const path = entryPathOf(recording)
    await waitFor(async () => (await harness.entries()).some((entry) => entry.path === path), 'the entry lands', 15_000)
    await waitFor(async () => (await transcriptOnReader(path)) !== null, 'the transcript reaches the second peer', 60_000)
    assert.deepEqual(await transcriptOnReader(path), recording.transcription!.transcript, "the simulator's transcript, as it served it")
    const words = recording.transcription!.transcript.channels[0]!.transcript.flatMap((sentence) => sentence.words.map((word) => word.word))
    assert.ok(words.includes('river'), 'what the caller said')
    // The transcript is beside the entry, not an entry itself.
    assert.deepEqual((await harness.entries()).filter((entry) => entry.path.includes(recording.recordingUuid)).map((entry) => entry.path), [path])
    assert.deepEqual((await (await followed()).listEntries()).filter((entry) => entry.path.includes(recording.recordingUuid)).map((entry) => entry.path), [path])
    assert.equal(await pendingTranscript(recording.recordingUuid), undefined, 'nothing left pending')
  })

  it('gives one transcript for a transcription event delivered twice, and again later', async () => {
    const result = await harness.placeCall({ audio: toneAudio(1, 2), duplicateEvents: true }).done
    const recording = result.recordings[0]!
    const path = entryPathOf(recording)
    await waitFor(async () => (await transcriptOnReader(path)) !== null, 'the transcript lands', 30_000)
    const version = (await status()).version
    const body = result.callbacks.find((callback) => callback.kind === 'transcription')!.body!
    assert.equal((await harness.post('/transcription', body, sign(body))).status, 204)
    await waitFor(async () => (await pendingTranscript(recording.recordingUuid)) === undefined, 'the repeat is dealt with')
    assert.equal((await status()).version, version, 'the journal did not change')
    const downloads = harness.simulator.downloads.filter((download) => download.id === recording.transcription!.fileId)
    assert.deepEqual(downloads.map((download) => download.status), [200], 'downloaded once')
    // A tone says nothing: its transcript has no sentences, and is kept all the same.
    assert.deepEqual(await transcriptOnReader(path), recording.transcription!.transcript)
  })

  it('keeps a transcript that comes before its recording, and attaches it when the recording lands', async () => {
    const early = storeOnSimulator(2)
    assert.equal((await harness.post('/transcription', early.transcriptionBody, sign(early.transcriptionBody))).status, 204)
    await waitFor(async () => /waiting for its recording/.test((await pendingTranscript(early.recording.recordingUuid))?.lastError ?? ''), 'the transcript waits for its recording', 15_000)
    assert.equal((await pendingTranscript(early.recording.recordingUuid))?.state, 'retrying')
    assert.equal((await harness.post('/recording', early.recordingBody, sign(early.recordingBody))).status, 204)
    const path = entryPathOf(early.recording)
    await waitFor(async () => (await transcriptOnReader(path)) !== null, 'the transcript is attached once the recording lands', 60_000)
    assert.deepEqual(await transcriptOnReader(path), early.transcript)

    // The same order from the simulator itself.
    const result = await harness.placeCall({ transcriptionBeforeRecording: true }).done
    assert.deepEqual(result.callbacks.filter((c) => c.kind === 'transcription' || c.kind === 'recording').map((c) => c.kind), ['transcription', 'recording'])
    const recording = result.recordings[0]!
    await waitFor(async () => (await transcriptOnReader(entryPathOf(recording))) !== null, 'the transcript lands', 30_000)
    assert.deepEqual(await transcriptOnReader(entryPathOf(recording)), recording.transcription!.transcript)
  })

  it('attaches a transcript in the journal its recording landed in, after another journal became active', async () => {
    const later = storeOnSimulator(5)
    assert.equal((await harness.post('/recording', later.recordingBody, sign(later.recordingBody))).status, 204)
    const path = entryPathOf(later.recording)
    await waitFor(async () => (await harness.entries()).some((entry) => entry.path === path), 'the recording lands in the active journal', 15_000)
    const { key: other } = await harness.app.call<LibraryItem>('createJournal', { name: 'Another journal' })
    await harness.app.call('setActiveJournal', { journal: other })
    try {
      assert.equal((await harness.post('/transcription', later.transcriptionBody, sign(later.transcriptionBody))).status, 204)
      await waitFor(async () => (await pendingTranscript(later.recording.recordingUuid)) === undefined, 'the transcript leaves the queue', 30_000)
      const stored = await harness.app.call<TranscriptDto | null>('getTranscript', { journal: journalKey, path })
      assert.ok(stored, 'the transcript is beside its recording, in the journal the call landed in')
      assert.equal((await harness.app.call<EntryDto[]>('listEntries', { journal: other })).length, 0, 'nothing went to the journal now active')
    } finally {
      await harness.app.call('setActiveJournal', { journal: journalKey })
    }
  })

  it('refuses hostile transcription events and changes nothing', async () => {
    const { recording, transcriptionBody } = storeOnSimulator(3)
    const fileUrl = `${harness.simulator.url}/v1/files/${randomUUID()}`
    const before = { version: (await status()).version, downloads: (await intake()).downloads }
    const refusals: Array<[string, string, string | undefined, number]> = [
      ['unsigned', transcriptionBody, undefined, 401],
      ['forged (another secret)', transcriptionBody, signCallback(harness.simulator.account, transcriptionBody, { secret: 'not-the-signature-secret-at-all' }), 401],
      ['signed for another body', transcriptionBody, sign(transcriptionBody.replace('transcribed', 'transcribes')), 401]
    ]
    const signed = (name: string, body: string, status: number): void => void refusals.push([name, body, sign(body), status])
    signed('a foreign URL host', transcriptionEvent({ recording_uuid: randomUUID(), transcription_url: 'https://files.example.com/v1/files/abc' }), 400)
    signed('a URL that is not a file', transcriptionEvent({ recording_uuid: randomUUID(), transcription_url: `${harness.simulator.url}/v1/calls` }), 400)
    signed('a recording_uuid that is not a UUID', transcriptionEvent({ recording_uuid: '../../etc/passwd', transcription_url: fileUrl }), 400)
    signed('no transcription_url', transcriptionEvent({ recording_uuid: randomUUID() }), 400)
    signed('another status', transcriptionEvent({ recording_uuid: randomUUID(), transcription_url: fileUrl, status: 'failed' }), 400)
    signed('a body that is not JSON', 'recording_uuid=1', 400)
    signed('a body far too big', transcriptionEvent({ recording_uuid: randomUUID(), transcription_url: fileUrl, padding: 'x'.repeat(20_000) }), 413)
    for (const [name, body, authorization, expected] of refusals) {
      assert.equal((await harness.post('/transcription', body, authorization)).status, expected, name)
    }
    assert.deepEqual({ version: (await status()).version, downloads: (await intake()).downloads }, before, 'nothing queued, nothing written')
    assert.equal(harness.simulator.downloads.filter((download) => download.id === recording.fileId).length, 0)

    // A transcript that is not JSON: the call's entry lands; the transcript fails for good, shown like a failed download.
    const result = await harness.placeCall({ audio: toneAudio(4, 1), transcriptNotJson: true }).done
    const bad = result.recordings[0]!
    await waitFor(async () => (await pendingTranscript(bad.recordingUuid))?.state === 'failed', 'the transcript fails for good', 15_000)
    assert.match((await pendingTranscript(bad.recordingUuid))!.lastError!, /not a transcript/)
    await waitFor(async () => (await harness.entries()).some((entry) => entry.path === entryPathOf(bad)), 'the recording lands all the same', 15_000)
    assert.equal(await transcriptOnReader(entryPathOf(bad)), null)
  })

  it('keeps a queued transcript through SIGKILL and a restart, and lands it', async () => {
    const queued = storeOnSimulator(5)
    assert.equal((await harness.post('/transcription', queued.transcriptionBody, sign(queued.transcriptionBody))).status, 204)
    await waitFor(async () => /waiting for its recording/.test((await pendingTranscript(queued.recording.recordingUuid))?.lastError ?? ''), 'the transcript waits', 15_000)
    await harness.crashAndRestart()
    assert.ok(await pendingTranscript(queued.recording.recordingUuid), 'still queued after the restart')
    assert.equal((await harness.post('/recording', queued.recordingBody, sign(queued.recordingBody))).status, 204)
    const path = entryPathOf(queued.recording)
    await waitFor(async () => (await transcriptOnReader(path)) !== null, 'the transcript lands after the restart', 90_000)
    assert.deepEqual(await transcriptOnReader(path), queued.transcript)
    assert.equal(await pendingTranscript(queued.recording.recordingUuid), undefined)
  })
})
