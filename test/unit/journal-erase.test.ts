import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { afterEach, describe, it } from 'node:test'
import type { EntryDto } from '#shared/dto'
import type { Journal } from '../../src/main/journal/journal'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'
import { connect, LibraryPeer } from '../helpers/library-peer'
import { audioOf } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'


/** Bytes of audio this computer can read without asking a peer: every block held, summed. */
async function audioBytesHeld(journal: Journal): Promise<number> {
  const { core } = await journal.drive.getBlobs()
  let bytes = 0
  for (let index = 0; index < core.length; index++) bytes += (await core.get(index, { wait: false }))?.length ?? 0
  return bytes
}

async function blocksHeld(journal: Journal, entry: EntryDto & { blockOffset: number }): Promise<number> {
  const { core } = await journal.drive.getBlobs()
  let held = 0
  for (let index = entry.blockOffset; index < entry.blockOffset + entry.blocksTotal; index++) if (await core.has(index)) held++
  return held
}

/** An entry with where its audio starts in the blobs core, read from the index. */
async function withOffset(journal: Journal, entry: EntryDto): Promise<EntryDto & { blockOffset: number }> {
  const stored = await journal.drive.entry(entry.path)
  return { ...entry, blockOffset: stored!.value.blob!.blockOffset }
}

describe('deleting an entry for good', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('clears its audio from this computer after writing the deletion; history keeps the deletion and the other entries play', async () => {
    const fixture = await openTempJournal()
    cleanups.push(fixture.cleanup)
    const journal = fixture.journal
    const first = await journal.addAudioFile(HELLO_MP3, { source: 'import', id: 'first' })
    const erased = await withOffset(journal, await journal.addAudioFile(HELLO_WAV, { source: 'import', id: 'erased' }))
    await journal.renameEntry(erased.path, 'Too personal')
    const kept = await withOffset(journal, await journal.addAudioFile(HELLO_WAV, { source: 'import', id: 'kept' }))
    const heldBefore = await audioBytesHeld(journal)
    const versionBefore = journal.drive.version

    await journal.deleteEntry(erased.path, { erase: true })
    assert.equal(await blocksHeld(journal, erased), 0, 'no block of its audio is left')
    assert.equal(await audioBytesHeld(journal), heldBefore - erased.size, 'exactly its bytes are freed')

    const [deletion] = (await journal.history()).items
    assert.deepEqual(deletion, { version: versionBefore + 1, type: 'del', change: 'deleted', path: erased.path, title: 'Too personal' })
    const then = await journal.listEntries(versionBefore)
    const erasedThen = then.find((entry) => entry.path === erased.path)!
    assert.deepEqual([erasedThen.blocksDownloaded, erasedThen.blocksTotal], [0, erased.blocksTotal], 'the older version lists it without its audio')
    assert.ok(then.filter((entry) => entry.path !== erased.path).every((entry) => entry.blocksDownloaded === entry.blocksTotal))
    await assert.rejects(journal.openAudio(erased.path, versionBefore), /erased from this computer/)

    assert.ok((await audioOf(journal, first.path)).equals(await readFile(HELLO_MP3)))
    assert.ok((await audioOf(journal, kept.path, versionBefore)).equals(await readFile(HELLO_WAV)))
    assert.deepEqual((await journal.listEntries()).map((entry) => entry.path), [kept.path, first.path])

    // Without erasing, a deletion keeps the audio for older versions, as before.
    await journal.deleteEntry(kept.path)
    assert.equal(await blocksHeld(journal, kept), kept.blocksTotal)
    assert.ok((await audioOf(journal, kept.path, versionBefore)).equals(await readFile(HELLO_WAV)))
  })

  it('leaves the copies peers already hold: a seeder still plays the erased entry and still holds the journal', async () => {
    const a = await LibraryPeer.open()
    const b = await LibraryPeer.open()
    cleanups.push(
      () => a.close(),
      () => b.close()
    )
    const journal = a.active
    const erased = await journal.addAudioFile(HELLO_WAV, { source: 'import' })
    const versionBefore = journal.drive.version
    connect(a, b)
    await b.library.add(journal.id)
    await b.library.setSeeding(journal.id, 'seeding')
    const copy = await b.library.whenReadable(journal.id)
    await waitFor(() => b.library.item(journal.id).seeding.complete, 'B holds every block')

    await journal.deleteEntry(erased.path, { erase: true })
    await waitFor(() => copy.drive.version === journal.drive.version, 'B has the deletion')
    assert.ok((await audioOf(copy, erased.path, versionBefore)).equals(await readFile(HELLO_WAV)), 'B keeps what it copied')
    await waitFor(() => a.library.item(journal.id).heldElsewhere?.peers === 1, 'B holds every block of both cores, the erased audio too')
    assert.equal(b.library.item(journal.id).seeding.complete, true)
  })
})
