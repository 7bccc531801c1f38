import { strict as assert } from 'node:assert'
import { afterEach, describe, it } from 'node:test'
import type { Transcript } from '#shared/transcript'
import { transcriptPathOf } from '../../src/main/journal/entry-path'
import { JournalError } from '../../src/main/journal/journal'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'

const transcript = (sentence: string): Transcript => ({
  ver: '1.0.0',
  request_id: 'r',
  channels: [{ duration: 1, transcript: [{ sentence, raw_sentence: sentence.toLowerCase(), timestamp: 0, duration: 400, words: [{ word: sentence, start_time: 0, end_time: 400, confidence: 0.9 }] }] }]
})

describe('a transcript beside its entry (Journal.putTranscript)', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('writes it at <id>.transcript.json with its metadata, once: the same transcript again writes nothing', async () => {
    const { journal, cleanup } = await openTempJournal()
    cleanups.push(cleanup)
    const entry = await journal.addAudioFile(HELLO_MP3, { source: 'record', id: 'call-1', madeAt: new Date('2026-11-30T13:24:00Z') })
    assert.equal(await journal.hasTranscript(entry.path), false)
    const first = await journal.putTranscript(entry.path, transcript('Hello'))
    assert.deepEqual(first, { path: '/recordings/2026/11/call-1.transcript.json', written: true })
    assert.equal(await journal.hasTranscript(entry.path), true)
    assert.deepEqual(JSON.parse((await journal.drive.get(first.path))!.toString('utf8')), transcript('Hello'))
    const stored = await journal.drive.entry(first.path)
    assert.equal((stored!.value.metadata as { source: string }).source, 'transcript')
    assert.equal(typeof (stored!.value.metadata as { mtime: unknown }).mtime, 'number')
    const version = journal.drive.version
    assert.deepEqual(await journal.putTranscript(entry.path, transcript('Hello')), { path: first.path, written: false })
    assert.equal(journal.drive.version, version, 'a repeat changes nothing')
    assert.equal((await journal.putTranscript(entry.path, transcript('Hello again'))).written, true, 'a different one replaces it')
    // Not an entry: lists and history show the entry alone.
    assert.deepEqual((await journal.listEntries()).map((e) => e.path), [entry.path])
    assert.ok((await journal.history()).items.every((item) => item.path === entry.path))
  })

  it('refuses a transcript for an entry that is not there', async () => {
    const { journal, cleanup } = await openTempJournal()
    cleanups.push(cleanup)
    await assert.rejects(journal.putTranscript('/recordings/2026/11/nobody.mp3', transcript('Hi')), (error: unknown) => error instanceof JournalError && error.code === 'not-found')
    await assert.rejects(journal.putTranscript('/etc/passwd', transcript('Hi')), JournalError)
  })

  it('deletes the transcript with its entry, and erasing clears its blocks too', async () => {
    const { journal, cleanup } = await openTempJournal()
    cleanups.push(cleanup)
    const kept = await journal.addAudioFile(HELLO_WAV, { source: 'record', id: 'kept' })
    const gone = await journal.addAudioFile(HELLO_MP3, { source: 'record', id: 'gone' })
    await journal.putTranscript(kept.path, transcript('Kept'))
    const { path } = await journal.putTranscript(gone.path, transcript('Gone'))
    const blob = (await journal.drive.entry(path))!.value.blob!
    await journal.deleteEntry(gone.path, { erase: true })
    assert.equal(await journal.drive.entry(path), null)
    assert.equal(await journal.drive.entry(transcriptPathOf(gone.path)), null)
    const { core } = await journal.drive.getBlobs()
    assert.equal(await core.has(blob.blockOffset, blob.blockOffset + blob.blockLength), false, "the transcript's words are erased here")
    assert.equal(await journal.hasTranscript(kept.path), true, "another entry's transcript stays")
  })
})
