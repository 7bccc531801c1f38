import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { encode as encodeKey, decode as decodeKey } from 'hypercore-id-encoding'
import MirrorDrive from 'mirror-drive'
import { ApiError } from '#shared/api'
import type { EntryDto, LibraryItem } from '#shared/dto'
import { KEY_HELP } from '#shared/journal-key'
import type { EntriesAdded } from '../../src/main/app/app-events'
import type { Journal } from '../../src/main/journal/journal'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { connect, LibraryPeer, peersPerTest } from '../helpers/library-peer'
import { audioOf } from '../helpers/streams'
import { waitFor } from '../helpers/wait-for'

// Peers in one process, each with its own data directory, Corestore and Library, their stores
// piped into each other (the Holepunch way): no DHT, no child process. The library, the seeder
// and the fork runner are the real ones; only the network is a pipe.

/** A's journal: three entries, the second (a WAV) deleted since `versionBeforeDelete`. */
interface WrittenJournal {
  peer: LibraryPeer
  key: string
  versionBeforeDelete: number
  deleted: EntryDto
  /** Newest first, as the journal lists them. */
  kept: EntryDto[]
  original: Map<string, Buffer>
}

const strip = (entries: EntryDto[]): unknown => entries.map(({ blocksDownloaded: _d, blocksTotal: _t, ...rest }) => rest)


function itemOf(peer: LibraryPeer, key: string): LibraryItem | undefined {
  return peer.library.items().find((item) => item.key === key)
}

describe('library replication between peers in one process', () => {
  const openPeer = peersPerTest()

  async function writeJournalA(): Promise<WrittenJournal> {
    const peer = await openPeer()
    const journal = peer.active
    const first = await journal.addAudioFile(HELLO_MP3, { source: 'import' })
    const second = await journal.addAudioFile(HELLO_WAV, { source: 'import' })
    const third = await journal.addAudioFile(HELLO_MP3, { source: 'import' })
    const versionBeforeDelete = journal.drive.version
    await journal.deleteEntry(second.path)
    const original = new Map([
      [first.path, await readFile(HELLO_MP3)],
      [second.path, await readFile(HELLO_WAV)],
      [third.path, await readFile(HELLO_MP3)]
    ])
    return { peer, key: journal.id, versionBeforeDelete, deleted: second, kept: [third, first], original }
  }

  /** B follows A over a pipe and lists A's entries. */
  async function followA(a: WrittenJournal): Promise<{ b: LibraryPeer; journal: Journal }> {
    const b = await openPeer()
    connect(a.peer, b)
    const { item } = await b.library.add(a.key)
    const journal = await b.library.whenReadable(item.key)
    await waitFor(async () => (await journal.listEntries()).length === a.kept.length, 'B lists A’s entries')
    return { b, journal }
  }

  async function seedFully(b: LibraryPeer, key: string): Promise<LibraryItem> {
    await b.library.setSeeding(key, 'seeding')
    await waitFor(() => itemOf(b, key)?.seeding.complete === true, 'B holds every block of A')
    return itemOf(b, key)!
  }

  it('follows a journal by key: its entries arrive byte-identical, both sides count a peer, and it is read-only', async () => {
    const a = await writeJournalA()
    const b = await openPeer()
    connect(a.peer, b)
    const { item } = await b.library.add(a.key)
    assert.deepEqual([item.kind, item.writable, item.active], ['followed', false, false])
    // Added by key alone, it is read once its first block has shown it is not private.
    const journal = await b.library.whenReadable(a.key)
    assert.equal(itemOf(b, a.key)?.readable, true)
    await waitFor(async () => (await journal.listEntries()).length === 2, 'B lists A’s two entries')
    assert.deepEqual(strip(await journal.listEntries()), strip(await a.peer.active.listEntries()))
    for (const entry of a.kept) assert.ok((await audioOf(journal, entry.path)).equals(a.original.get(entry.path)!), entry.path)
    await waitFor(() => journal.peers === 1 && a.peer.active.peers === 1, 'each side counts the other')
    assert.equal((await journal.status()).version, a.peer.active.drive.version)
    await assert.rejects(journal.addAudioFile(HELLO_MP3, { source: 'import' }), /can be read, not changed/)
    await assert.rejects(journal.deleteEntry(a.kept[0]!.path), /can be read, not changed/)
  })

  it('announces a followed journal’s later entries once each, and not the first sync nor a deletion', async () => {
    const a = await writeJournalA()
    const b = await openPeer()
    const announced: EntriesAdded[] = []
    b.library.on('entries-added', (added) => announced.push(added))
    connect(a.peer, b)
    await b.library.add(a.key)
    const journal = await b.library.whenReadable(a.key)
    await waitFor(async () => (await journal.listEntries()).length === 2, 'B lists A’s entries')
    const late = await a.peer.active.addAudioFile(HELLO_MP3, { source: 'import' })
    await waitFor(() => announced.length === 1, 'B announces the new entry')
    await a.peer.active.deleteEntry(late.path)
    // The deletion would be announced before anything that comes after it, so a later entry
    // being announced alone shows the deletion was not.
    const later = await a.peer.active.addAudioFile(HELLO_WAV, { source: 'import' })
    await waitFor(() => announced.length === 2, 'B announces the later entry')
    const name = itemOf(b, a.key)!.name
    assert.deepEqual(announced, [
      { journal: a.key, name, writable: false, source: 'peer', entries: [{ path: late.path }] },
      { journal: a.key, name, writable: false, source: 'peer', entries: [{ path: later.path }] }
    ])
  })

  it('opens a journal by hex key and by hyper:// link with a version; refuses garbage; a key nobody serves is looking for peers', async () => {
    const a = await writeJournalA()
    const b = await openPeer()
    connect(a.peer, b)
    for (const link of ['hello', 'hyper://not-a-key/', `${a.key}x`, `hyper://${a.key}+0/`, 'https://example.com/']) {
      await assert.rejects(b.library.add(link), (error: unknown) => error instanceof ApiError && error.code === 'bad-request' && error.message === KEY_HELP)
    }
    assert.equal(b.library.items().length, 1, 'only my own journal')
    const byHex = await b.library.add(decodeKey(a.key).toString('hex'))
    assert.equal(byHex.item.key, a.key)
    assert.equal(byHex.item.writable, false)
    const byLink = await b.library.add(`hyper://${a.key}+${a.versionBeforeDelete}/`)
    assert.deepEqual([byLink.item.key, byLink.version], [a.key, a.versionBeforeDelete])
    assert.equal(b.library.items().length, 2, 'the same journal is in the library once')

    const nobody = encodeKey(Buffer.alloc(32, 7))
    const { item } = await b.library.add(nobody)
    assert.equal(item.lookingForPeers, true)
    assert.equal(item.readable, false, 'nothing of it is known yet')
    assert.equal(b.library.heldView(nobody)?.status.entries, 0)
    await b.library.remove(nobody, false)
    assert.equal(b.swarm.joined.has(nobody), false, 'a removed journal leaves the network')
  })

  it('browses an older version, including an entry deleted since, and lists what changed', async () => {
    const a = await writeJournalA()
    const { journal } = await followA(a)
    const atN = await journal.listEntries(a.versionBeforeDelete)
    assert.deepEqual(atN.map((e) => e.path).sort(), [...a.original.keys()].sort())
    assert.ok((await audioOf(journal, a.deleted.path, a.versionBeforeDelete)).equals(a.original.get(a.deleted.path)!))
    const changes = await journal.compareVersions(a.versionBeforeDelete)
    assert.deepEqual(
      changes.map((c) => [c.change, c.path]),
      [['deleted', a.deleted.path]]
    )
  })

  it('seeding downloads every block of every version: with A gone, B plays everything, the deleted entry too, and serves it to C', async () => {
    const a = await writeJournalA()
    const b = await openPeer()
    const toA = connect(a.peer, b)
    await b.library.add(a.key)
    const item = await seedFully(b, a.key)
    assert.equal(item.seeding.state, 'seeding')
    assert.equal(item.seeding.bytesDownloaded, item.seeding.bytesTotal)
    assert.ok(item.seeding.bytesTotal > [...a.original.values()].reduce((sum, bytes) => sum + bytes.length, 0))

    await toA.close()
    const journal = b.library.journal(a.key)
    await waitFor(() => journal.peers === 0, 'A is gone')
    for (const entry of a.kept) assert.ok((await audioOf(journal, entry.path)).equals(a.original.get(entry.path)!), entry.path)
    assert.ok((await audioOf(journal, a.deleted.path, a.versionBeforeDelete)).equals(a.original.get(a.deleted.path)!))

    const c = await openPeer()
    connect(b, c)
    await c.library.add(a.key)
    const onC = await c.library.whenReadable(a.key)
    await waitFor(async () => (await onC.listEntries()).length === 2, 'C lists A’s entries from B')
    for (const entry of a.kept) assert.ok((await audioOf(onC, entry.path)).equals(a.original.get(entry.path)!), entry.path)
    assert.ok((await audioOf(onC, a.deleted.path, a.versionBeforeDelete)).equals(a.original.get(a.deleted.path)!))
  })

  it('seeding switched on at once, before anything is listed, still ends with every audio block here', async () => {
    const a = await writeJournalA()
    const b = await openPeer()
    connect(a.peer, b)
    await b.library.add(a.key)
    // No listing first: the audio core's length is not known yet when seeding starts.
    const item = await seedFully(b, a.key)
    const blobs = (await b.library.journal(a.key).drive.getBlobs()).core
    const audioBytes = [...a.original.values()].reduce((sum, bytes) => sum + bytes.length, 0)
    assert.ok(blobs.length > 0, 'the audio core’s length is known')
    assert.equal(await blobs.has(0, blobs.length), true, 'every audio block is held')
    assert.ok(item.seeding.bytesTotal > audioBytes, `the total (${item.seeding.bytesTotal}) counts the audio (${audioBytes} bytes)`)
    assert.equal(item.seeding.bytesDownloaded, item.seeding.bytesTotal)
  })

  it('removing a followed journal gives its space back: added again, nothing of its audio is held until read', async () => {
    const a = await writeJournalA()
    const { b, journal } = await followA(a)
    for (const entry of a.kept) await audioOf(journal, entry.path)
    assert.equal(await (await journal.drive.getBlobs()).core.has(0), true, 'B held audio before')
    await b.library.remove(a.key, false)
    assert.equal(b.library.items().length, 1)
    assert.equal(b.swarm.joined.has(a.key), false, 'it left the network')
    await b.library.add(a.key)
    const again = await b.library.whenReadable(a.key)
    const blobs = await again.drive.getBlobs()
    assert.equal(await blobs.core.has(0), false, 'the audio blocks were cleared')
    assert.equal((await again.listEntries()).length, 2, 'and come back from A when read')
    assert.ok((await audioOf(again, a.kept[0]!.path)).equals(a.original.get(a.kept[0]!.path)!))
  })

  it('pausing stops the download of what arrives next; resuming completes it', async () => {
    const a = await writeJournalA()
    const { b, journal } = await followA(a)
    await seedFully(b, a.key)
    await b.library.setSeeding(a.key, 'paused')
    const added = await a.peer.active.addAudioFile(HELLO_WAV, { source: 'import' })
    // Listing the new entry reads A's index after B learned of it: a download the pause failed
    // to stop would have been asked for first.
    let listed: EntryDto | undefined
    await waitFor(async () => (listed = (await journal.listEntries()).find((e) => e.path === added.path)) !== undefined, 'B lists the new entry')
    assert.ok(listed!.blocksTotal > 0)
    assert.equal(listed!.blocksDownloaded, 0, 'none of its audio was downloaded while paused')
    const paused = itemOf(b, a.key)!.seeding
    assert.equal(paused.state, 'paused')
    assert.equal(paused.complete, false)
    assert.ok(paused.bytesDownloaded < paused.bytesTotal)

    await b.library.setSeeding(a.key, 'seeding')
    await waitFor(() => itemOf(b, a.key)?.seeding.complete === true, 'resumed seeding completes')
    const entry = (await journal.listEntries()).find((e) => e.path === added.path)!
    assert.equal(entry.blocksDownloaded, entry.blocksTotal)
  })

  it('forks a version into an active journal of my own with its provenance; A is untouched and imports land in the fork', async () => {
    const a = await writeJournalA()
    const { b, journal } = await followA(a)
    const versionOfA = a.peer.active.drive.version
    const fork = await b.library.fork(a.key, { version: a.versionBeforeDelete, name: 'My copy', makeActive: true })
    assert.deepEqual([fork.kind, fork.writable, fork.active, fork.name], ['fork', true, true, 'My copy'])
    assert.deepEqual({ ...fork.provenance, forkedAt: 0 }, { forkedFrom: a.key, version: a.versionBeforeDelete, forkedAt: 0 })
    const copy = b.library.journal(fork.key)
    assert.equal(b.active.id, fork.key)
    assert.deepEqual(strip(await copy.listEntries()), strip(await journal.listEntries(a.versionBeforeDelete)), 'the entries and metadata of A at that version')
    for (const [path, bytes] of a.original) assert.ok((await audioOf(copy, path)).equals(bytes), path)
    assert.deepEqual({ ...(await copy.provenance()), forkedAt: 0 }, { forkedFrom: a.key, version: a.versionBeforeDelete, forkedAt: 0 }, 'recorded inside the fork')
    const history = await copy.history()
    assert.deepEqual(
      history.items.map((item) => [item.change, item.path]).sort(),
      [...a.original.keys()].map((path) => ['added', path]).sort(),
      'the history lists the copied entries, not the provenance record'
    )
    const imported = await b.active.addAudioFile(HELLO_WAV, { source: 'import' })
    assert.ok((await copy.listEntries()).some((e) => e.path === imported.path), 'the import lands in the fork')
    assert.equal(a.peer.active.drive.version, versionOfA, 'A’s journal did not move')
    assert.ok(!(await journal.listEntries()).some((e) => e.path === imported.path))
  })

  it('finishes a fork cut short at the next start, fetching the rest from the peer', async () => {
    const a = await writeJournalA()
    const { b, journal } = await followA(a)
    const expected = await journal.listEntries(a.versionBeforeDelete)
    // What a crash mid-copy leaves: the fork saved as pending, holding only its first entry.
    const target = await b.journals.openOwn('fork-interrupted')
    const snapshot = journal.drive.checkout(a.versionBeforeDelete)
    await new MirrorDrive(snapshot, target.drive, { prefix: expected[0]!.path, prune: false }).done()
    await snapshot.close()
    assert.equal((await target.listEntries()).length, 1)
    const forkKey = target.id
    await b.stop()
    const libraryFile = join(b.dir, 'library.json')
    const saved = JSON.parse(await readFile(libraryFile, 'utf8')) as { journals: object[] }
    saved.journals.push({
      key: forkKey,
      kind: 'fork',
      name: 'Half copied',
      namespace: 'fork-interrupted',
      seeding: 'off',
      addedAt: Date.now(),
      pendingFork: { from: a.key, version: a.versionBeforeDelete }
    })
    await writeFile(libraryFile, JSON.stringify(saved))

    await b.restart()
    connect(a.peer, b)
    const fork = b.library.journal(forkKey)
    await waitFor(async () => (await b.library.info(fork)).provenance !== null, 'the fork is finished')
    assert.deepEqual(strip(await fork.listEntries()), strip(expected))
    for (const entry of expected) assert.ok((await audioOf(fork, entry.path)).equals(a.original.get(entry.path)!), entry.path)
    assert.deepEqual({ ...(await b.library.info(fork)).provenance, forkedAt: 0 }, { forkedFrom: a.key, version: a.versionBeforeDelete, forkedAt: 0 })
    const pending = async (): Promise<unknown> =>
      (JSON.parse(await readFile(libraryFile, 'utf8')) as { journals: Array<{ key: string; pendingFork?: unknown }> }).journals.find((r) => r.key === forkKey)?.pendingFork
    await waitFor(async () => (await pending()) === undefined, 'the library no longer lists the fork as pending')
  })

  it('asks before removing a journal I write and refuses to remove the active one', async () => {
    const b = await openPeer()
    const spare = await b.library.create('Spare')
    await assert.rejects(b.library.remove(spare.key, false), (e: unknown) => e instanceof ApiError && e.code === 'needs-confirmation')
    assert.ok(b.library.items().some((i) => i.key === spare.key), 'still there after the refusal')
    await b.library.remove(spare.key, true)
    assert.ok(!b.library.items().some((i) => i.key === spare.key))
    await assert.rejects(b.library.remove(b.active.id, true), /active journal/)
  })

  it('a removed default journal stays removed after a restart, and library.json says so', async () => {
    const b = await openPeer()
    const first = b.active.id
    const other = await b.library.create('Other')
    await b.library.setActive(other.key)
    await b.library.remove(first, true)
    const saved = JSON.parse(await readFile(join(b.dir, 'library.json'), 'utf8')) as { defaultJournalRemoved?: unknown; journals: Array<{ key: string }> }
    assert.equal(saved.defaultJournalRemoved, true)
    assert.deepEqual(saved.journals.map((r) => r.key), [other.key])
    await b.restart()
    assert.deepEqual(b.library.items().map((i) => i.key), [other.key])
    assert.equal(b.library.find(first), undefined)
    assert.equal(b.active.id, other.key)
  })

  it('keeps the library, seeding, the fork and the active journal across a restart; everything seeded still plays with A gone', async () => {
    const a = await writeJournalA()
    const { b } = await followA(a)
    await seedFully(b, a.key)
    const fork = await b.library.fork(a.key, { version: a.versionBeforeDelete, name: 'My copy', makeActive: true })
    const before = b.library.items()
    await b.restart()
    const after = b.library.items()
    const shape = (items: LibraryItem[]): unknown => items.map((i) => [i.key, i.kind, i.name, i.active, i.seeding.state])
    assert.deepEqual(shape(after), shape(before))
    assert.equal(b.active.id, fork.key)
    assert.equal((await b.library.info(b.active)).provenance?.forkedFrom, a.key)
    await waitFor(() => itemOf(b, a.key)?.seeding.complete === true, 'seeding progress recounted')
    const journal = b.library.journal(a.key)
    assert.equal(journal.peers, 0, 'A is not connected after the restart')
    for (const entry of a.kept) assert.ok((await audioOf(journal, entry.path)).equals(a.original.get(entry.path)!))
  })
})
