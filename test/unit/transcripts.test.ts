import { strict as assert } from 'node:assert'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Journal } from '../../src/main/journal/journal'
import { flattenTranscript } from '../../src/main/journal/transcript-file'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'
import { madeWordStartMs, makeTranscript, writeTranscript } from '../helpers/transcripts'

const HARBOUR = '/recordings/2026/03/harbour.mp3'
const WALK = '/recordings/2026/04/walk.wav'

async function addEntries(journal: Journal): Promise<void> {
  await journal.addAudioFile(HELLO_MP3, { source: 'record', id: 'harbour', madeAt: new Date('2026-03-05T10:00:00Z') })
  await journal.addAudioFile(HELLO_WAV, { source: 'import', id: 'walk', madeAt: new Date('2026-04-05T10:00:00Z'), title: 'Morning walk' })
}

describe('transcripts in the journal', () => {
  let fixture: Awaited<ReturnType<typeof openTempJournal>>
  beforeEach(async () => {
    fixture = await openTempJournal()
  })
  afterEach(() => fixture.cleanup())

  it('reads an entry’s transcript beside it, flattened to sentences and words with times', async () => {
    const { journal } = fixture
    await addEntries(journal)
    await writeTranscript(journal, HARBOUR, makeTranscript(['The boats came in', 'Gulls everywhere']))
    const transcript = await journal.getTranscript(HARBOUR)
    assert.ok(transcript)
    const flat = flattenTranscript(transcript)
    assert.deepEqual(
      flat.sentences.map((s) => s.text),
      ['The boats came in', 'Gulls everywhere']
    )
    assert.deepEqual(flat.sentences[1]!.words[0], { text: 'Gulls', startMs: madeWordStartMs(4), endMs: madeWordStartMs(4) + 400 })
    assert.equal(flat.sentences[1]!.startMs, madeWordStartMs(4))
    assert.equal(await journal.getTranscript(WALK), null, 'an entry without one has none')
  })

  it('lists which entries have a transcript, and its first sentence for an untitled one', async () => {
    const { journal } = fixture
    await addEntries(journal)
    await writeTranscript(journal, HARBOUR, makeTranscript(['The boats came in', 'Gulls everywhere']))
    const entries = await journal.listEntries()
    const harbour = entries.find((e) => e.path === HARBOUR)!
    assert.equal(harbour.hasTranscript, true)
    assert.equal(harbour.firstSentence, 'The boats came in')
    assert.equal(entries.find((e) => e.path === WALK)!.hasTranscript, undefined)
    assert.equal(entries.length, 2, 'a transcript is not an entry')
  })

  it('refuses a file that is not a transcript: null, never a crash', async () => {
    const { journal } = fixture
    await addEntries(journal)
    await writeTranscript(journal, HARBOUR, '{ not json')
    assert.equal(await journal.getTranscript(HARBOUR), null)
    await writeTranscript(journal, WALK, { channels: [{ transcript: [{ sentence: 'x', timestamp: -5, duration: 1, words: [] }] }] })
    assert.equal(await journal.getTranscript(WALK), null)
  })

  it('reads the transcript of an older version', async () => {
    const { journal } = fixture
    await addEntries(journal)
    await writeTranscript(journal, HARBOUR, makeTranscript(['First words']))
    const version = journal.drive.version
    await writeTranscript(journal, HARBOUR, makeTranscript(['Second words']))
    assert.equal(flattenTranscript((await journal.getTranscript(HARBOUR, version))!).sentences[0]!.text, 'First words')
    assert.equal(flattenTranscript((await journal.getTranscript(HARBOUR))!).sentences[0]!.text, 'Second words')
  })

  it('saves a correction as a new version that history shows as the entry’s transcript changing', async () => {
    const { journal } = fixture
    await addEntries(journal)
    await writeTranscript(journal, WALK, makeTranscript(['We walked to the hill', 'It was cold']))
    const before = journal.drive.version
    const flat = flattenTranscript((await journal.getTranscript(WALK))!)
    const corrected = flat.sentences.map((s, i) => (i === 0 ? { ...s, text: 'We walked to the mill', words: s.words.map((w) => (w.text === 'hill' ? { ...w, text: 'mill' } : w)) } : s))
    await journal.saveTranscript(WALK, corrected)
    assert.equal(journal.drive.version, before + 1)
    const saved = (await journal.getTranscript(WALK))!
    assert.equal(saved.request_id, 'test-request', 'what Vonage wrote is kept')
    const words = saved.channels[0]!.transcript[0]!.words
    assert.equal(words[4]!.word, 'mill')
    assert.equal(words[4]!.start_time, madeWordStartMs(4), 'the times stay')
    assert.equal(words[4]!.confidence, undefined, 'nobody measured the corrected word')
    assert.equal(words[3]!.confidence, 0.9)
    const [latest, added] = (await journal.history({ limit: 2 })).items
    assert.deepEqual(latest, { version: before + 1, type: 'put', change: 'changed', path: WALK, subject: 'transcript', title: 'Morning walk' })
    assert.equal(added!.change, 'added')
    assert.equal(added!.subject, 'transcript')
    const changes = await journal.compareVersions(before)
    assert.deepEqual(
      changes.map((c) => [c.path, c.change, c.transcriptChanged]),
      [[WALK, 'changed', true]]
    )
  })

  it('deletes an entry’s transcript with it; an older version still has both', async () => {
    const { journal } = fixture
    await addEntries(journal)
    await writeTranscript(journal, HARBOUR, makeTranscript(['The boats came in']))
    const before = journal.drive.version
    await journal.deleteEntry(HARBOUR)
    assert.equal(await journal.getTranscript(HARBOUR), null)
    assert.ok(await journal.getTranscript(HARBOUR, before))
    const [deleted, removed] = (await journal.history({ limit: 2 })).items
    assert.deepEqual([deleted!.change, deleted!.subject, deleted!.path], ['deleted', undefined, HARBOUR])
    assert.deepEqual([removed!.change, removed!.subject, removed!.path], ['deleted', 'transcript', HARBOUR])
  })

  it('refuses to correct a transcript of an entry that is not there', async () => {
    await assert.rejects(fixture.journal.saveTranscript('/recordings/2026/03/nothing.mp3', []), /No entry/)
  })
})
