import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import { NotAudioError } from '../../src/main/journal/audio-probe'
import type { Journal } from '../../src/main/journal/journal'
import { JournalStore } from '../../src/main/journal/journal-store'
import { HELLO_DURATION_MS, HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'
import { readAll } from '../helpers/streams'

const FIRST = '/recordings/2026/03/first-entry.mp3'
const SECOND = '/recordings/2026/11/second-entry.wav'

/** Versions 2 and 3: an MP3 titled "Harbour" made in March, then an untitled WAV made in November. */
async function addTwoEntries(journal: Journal): Promise<void> {
  await journal.addAudioFile(HELLO_MP3, { source: 'import', id: 'first-entry', madeAt: new Date('2026-03-05T23:30:00Z'), title: 'Harbour' })
  await journal.addAudioFile(HELLO_WAV, { source: 'stream', id: 'second-entry', madeAt: new Date('2026-11-01T00:00:01Z') })
}

/** Versions 2 to 6: the two entries, the WAV titled and its title cleared, then the MP3 deleted. */
async function addRenameAndDelete(journal: Journal): Promise<void> {
  await addTwoEntries(journal)
  await journal.renameEntry(SECOND, 'Morning walk')
  await journal.renameEntry(SECOND, '')
  await journal.deleteEntry(FIRST)
}

// Every test starts from a journal of its own and writes the history it reads.
describe('journal core', () => {
  let fixture: Awaited<ReturnType<typeof openTempJournal>>
  beforeEach(async () => {
    fixture = await openTempJournal()
  })
  afterEach(() => fixture.cleanup())

  it('starts empty at version 1 with no last change', async () => {
    const status = await fixture.journal.status()
    assert.deepEqual(status, { key: fixture.journal.id, peers: 0, version: 1, updatedAt: null, size: 0, entries: 0 })
    assert.match(fixture.journal.id, /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/)
  })

  it('adds MP3 and WAV entries at /recordings/YYYY/MM/<id>.<ext> with durations read from the audio', async () => {
    const madeAt = new Date('2026-03-05T23:30:00Z')
    const mp3 = await fixture.journal.addAudioFile(HELLO_MP3, { source: 'import', id: 'first-entry', madeAt, title: 'Harbour' })
    assert.equal(mp3.path, '/recordings/2026/03/first-entry.mp3')
    assert.equal(mp3.format, 'mp3')
    assert.equal(mp3.size, (await readFile(HELLO_MP3)).length)
    assert.ok(Math.abs(mp3.durationMs - HELLO_DURATION_MS) < 200, `mp3 duration ${mp3.durationMs}`)
    assert.equal(mp3.title, 'Harbour')
    assert.equal(mp3.mtime, madeAt.getTime())

    const wav = await fixture.journal.addAudioFile(HELLO_WAV, { source: 'stream', id: 'second-entry', madeAt: new Date('2026-11-01T00:00:01Z') })
    assert.equal(wav.path, '/recordings/2026/11/second-entry.wav')
    assert.ok(Math.abs(wav.durationMs - HELLO_DURATION_MS) < 20, `wav duration ${wav.durationMs}`)
    // 165 kB in 64 KiB blocks: the write path must not create one tiny block per chunk.
    assert.equal(wav.blocksTotal, Math.ceil(wav.size / (64 * 1024)))
  })

  it('lists newest first with time, duration and size, and reports status', async () => {
    await addTwoEntries(fixture.journal)
    const entries = await fixture.journal.listEntries()
    assert.deepEqual(
      entries.map((e) => e.path),
      ['/recordings/2026/11/second-entry.wav', '/recordings/2026/03/first-entry.mp3']
    )
    const status = await fixture.journal.status()
    assert.equal(status.version, 3)
    assert.equal(status.entries, 2)
    assert.equal(status.size, entries[0]!.size + entries[1]!.size)
    assert.ok(status.updatedAt && Date.now() - status.updatedAt < 60_000)
  })

  it('adds the same id once: a repeated delivery returns the existing entry', async () => {
    await addTwoEntries(fixture.journal)
    const again = await fixture.journal.addAudioFile(HELLO_MP3, { source: 'import', id: 'first-entry', madeAt: new Date('2026-03-05T23:30:00Z') })
    assert.equal(again.path, '/recordings/2026/03/first-entry.mp3')
    assert.equal((await fixture.journal.status()).version, 3)
  })

  it('refuses a file that is not audio and changes nothing', async () => {
    await addTwoEntries(fixture.journal)
    const fake = join(fixture.dir, 'notes.mp3')
    await writeFile(fake, 'this is a text file pretending to be an mp3\n'.repeat(50))
    await assert.rejects(fixture.journal.addAudioFile(fake, { source: 'import' }), NotAudioError)
    assert.equal((await fixture.journal.status()).version, 3)
  })

  it('renames a title without rewriting the audio, and clears it with an empty title', async () => {
    await addTwoEntries(fixture.journal)
    const renamed = await fixture.journal.renameEntry('/recordings/2026/11/second-entry.wav', '  Morning walk ')
    assert.equal(renamed.title, 'Morning walk')
    const [listed] = await fixture.journal.listEntries()
    assert.equal(listed?.title, 'Morning walk')
    assert.equal(listed?.durationMs, renamed.durationMs)
    const cleared = await fixture.journal.renameEntry('/recordings/2026/11/second-entry.wav', '')
    assert.equal(cleared.title, undefined)
    await assert.rejects(fixture.journal.renameEntry('/recordings/2026/11/nope.wav', 'x'), /No entry/)
  })

  it('deletes an entry; history records every change with its version, newest first', async () => {
    await addTwoEntries(fixture.journal)
    await fixture.journal.renameEntry(SECOND, 'Morning walk')
    await fixture.journal.renameEntry(SECOND, '')
    await fixture.journal.deleteEntry('/recordings/2026/03/first-entry.mp3')
    await assert.rejects(fixture.journal.deleteEntry('/recordings/2026/03/first-entry.mp3'), /No entry/)
    await assert.rejects(fixture.journal.deleteEntry('/../etc/passwd'), /No entry/)
    assert.deepEqual(
      (await fixture.journal.listEntries()).map((e) => e.path),
      ['/recordings/2026/11/second-entry.wav']
    )
    const { items, nextBefore } = await fixture.journal.history()
    assert.deepEqual(
      items.map(({ version, type, change, path }) => [version, type, change, path]),
      [
        [6, 'del', 'deleted', '/recordings/2026/03/first-entry.mp3'],
        [5, 'put', 'changed', '/recordings/2026/11/second-entry.wav'],
        [4, 'put', 'changed', '/recordings/2026/11/second-entry.wav'],
        [3, 'put', 'added', '/recordings/2026/11/second-entry.wav'],
        [2, 'put', 'added', '/recordings/2026/03/first-entry.mp3']
      ]
    )
    assert.equal(items[0]?.title, 'Harbour', 'a deletion names what it removed')
    assert.equal(items[1]?.title, undefined)
    assert.equal(items[2]?.title, 'Morning walk')
    assert.equal(nextBefore, null)
  })

  it('pages history with before/limit', async () => {
    await addRenameAndDelete(fixture.journal)
    const first = await fixture.journal.history({ limit: 2 })
    assert.deepEqual(first.items.map((i) => i.version), [6, 5])
    assert.equal(first.nextBefore, 5)
    const second = await fixture.journal.history({ limit: 2, before: first.nextBefore! })
    assert.deepEqual(second.items.map((i) => i.version), [4, 3])
    const last = await fixture.journal.history({ limit: 2, before: 3 })
    assert.deepEqual(last.items.map((i) => i.version), [2])
    assert.equal(last.nextBefore, null)
  })

  it('opens an old version read-only and reads an entry deleted since', async () => {
    await addRenameAndDelete(fixture.journal)
    const atTwo = await fixture.journal.listEntries(2)
    assert.deepEqual(atTwo.map((e) => e.path), ['/recordings/2026/03/first-entry.mp3'])
    const audio = await fixture.journal.openAudio('/recordings/2026/03/first-entry.mp3', 2)
    const bytes = await readAll(audio.read())
    await audio.close()
    assert.ok(bytes.equals(await readFile(HELLO_MP3)), 'bytes of the deleted entry at version 2')
    await assert.rejects(fixture.journal.openAudio('/recordings/2026/03/first-entry.mp3'), /No entry/)
    await assert.rejects(fixture.journal.listEntries(99), /Version must be/)
  })
})

describe('journal store', () => {
  it('keeps the same journal key across a restart, with its entries', async () => {
    const fixture = await openTempJournal()
    try {
      const key = fixture.journal.id
      await fixture.journal.addAudioFile(HELLO_MP3, { source: 'import', id: 'kept' })
      await fixture.store.close()
      const reopened = await JournalStore.open(fixture.dir)
      const journal = await reopened.openOwn()
      assert.equal(journal.id, key)
      assert.equal(journal.writable, true)
      assert.deepEqual((await journal.listEntries()).map((e) => e.path.split('/').pop()), ['kept.mp3'])
      assert.ok((await journal.status()).updatedAt !== null, 'last change time survives the restart')
      await reopened.close()
    } finally {
      await fixture.cleanup()
    }
  })
})
