import { strict as assert } from 'node:assert'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import type { EntryDto, JournalStatus, LibraryItem } from '#shared/dto'
import { watch } from 'vue'
import { askForActiveJournalEarly } from '../../src/renderer/src/api/early-answers'
import { useHistoryStore } from '../../src/renderer/src/stores/history'
import { useJournalStore } from '../../src/renderer/src/stores/journal'
import { useLibraryStore } from '../../src/renderer/src/stores/library'
import { useLibraryActions } from '../../src/renderer/src/stores/library-actions'
import { useNoticeStore } from '../../src/renderer/src/stores/notices'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless } from '../helpers/headless-process'
import { StoreHarness } from '../helpers/store-harness'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

// The journal store (the journal the window shows) with the library store beside it, over the
// renderer's HTTP client and event socket against a built headless host. Each test makes its own
// journals on the host, and gets a fresh Pinia and client.
describe('journal store', () => {
  let harness: StoreHarness
  before(async () => {
    harness = await StoreHarness.start()
  })
  after(() => harness?.close())
  beforeEach(() => harness.beginTest())
  afterEach(() => harness.endTest())

  const entriesOf = (key: string): Promise<EntryDto[]> => harness.app.call<EntryDto[]>('listEntries', { journal: key })

  it('starts on the active journal: its info, status and entries', async () => {
    const key = await harness.newActiveJournal('Harbour notes')
    const added = await harness.app.importFile(HELLO_MP3)
    const journal = useJournalStore()
    await journal.start()
    // The list fills in from a fetch or, when a status event overtook it, from the refetch it causes.
    await waitFor(() => journal.entriesLoaded, 'the entries are loaded')
    assert.equal(journal.shownKey, key)
    assert.deepEqual(
      [journal.info?.name, journal.info?.kind, journal.info?.writable, journal.info?.active, journal.writable, journal.isActive],
      ['Harbour notes', 'own', true, true, true, true]
    )
    assert.equal(journal.status?.version, 2)
    assert.equal(journal.entriesLoaded, true)
    assert.deepEqual(journal.entries, [added])
    await waitFor(() => useHistoryStore().loaded, 'the history is loaded')
    assert.deepEqual(useHistoryStore().items.map((i) => [i.change, i.path]), [['added', added.path]])
    assert.deepEqual(useNoticeStore().notices, [])
  })

  it('shows a long journal’s newest entries at once, then the whole list', async () => {
    const key = await harness.newActiveJournal()
    for (const file of [HELLO_MP3, HELLO_WAV, HELLO_MP3]) await harness.app.importFile(file)
    const all = await entriesOf(key)
    assert.deepEqual(await harness.app.call<EntryDto[]>('listEntries', { first: 2 }), all.slice(0, 2), 'the newest two, in list order')
    // The window's first script asks for the newest few; here "few" is two of three.
    askForActiveJournalEarly(2)
    const journal = useJournalStore()
    const states: Array<[number, number, boolean]> = []
    watch(() => journal.entries, (list) => states.push([list.length, journal.entryCount, journal.entriesPartial]), { flush: 'sync' })
    await journal.start()
    await waitFor(() => !journal.entriesPartial, 'the whole list follows')
    assert.deepEqual(states.find(([shown]) => shown > 0), [2, 3, true], 'the first screen: two entries shown, three counted')
    assert.deepEqual(journal.entries, all)
    assert.equal(journal.entryCount, 3)
    assert.deepEqual(useNoticeStore().notices, [])
  })

  it('follows status events: an import elsewhere shows in the status, the entries and the history', async () => {
    await harness.newActiveJournal()
    const journal = useJournalStore()
    await journal.start()
    assert.deepEqual(journal.entries, [])
    const added = await harness.app.importFile(HELLO_WAV)
    await waitFor(() => journal.entries.some((e) => e.path === added.path), 'the new entry is listed')
    assert.equal(journal.status?.version, 2)
    assert.equal(journal.status?.entries, 1)
    await waitFor(() => useHistoryStore().items.some((i) => i.path === added.path), 'the history shows it')
  })

  it('switches to another journal: nothing of the previous one lingers, and its events no longer apply', async () => {
    const first = await harness.newActiveJournal('First')
    await harness.app.importFile(HELLO_MP3)
    const journal = useJournalStore()
    const library = useLibraryStore()
    await journal.start()
    await waitFor(() => journal.entries.length === 1, 'the first journal’s entry is listed')
    assert.equal(await useLibraryActions().create('Second'), null)
    const second = journal.shownKey!
    assert.notEqual(second, first)
    assert.deepEqual([journal.info?.name, journal.status?.version, journal.entries], ['Second', 1, []])
    assert.equal(useHistoryStore().items.length, 0)

    // An import into the active (first) journal: its status event is not the shown journal's.
    const versionBefore = library.byKey(first)!.version
    await harness.app.importFile(HELLO_WAV)
    await waitFor(() => (library.byKey(first)?.version ?? 0) > versionBefore, 'the library sees the first journal move')
    assert.equal(journal.shownKey, second)
    assert.deepEqual([journal.status?.key, journal.status?.version, journal.entries], [second, 1, []])

    await journal.show(first)
    const firstPaths = (await entriesOf(first)).map((e) => e.path)
    await waitFor(() => journal.entries.length === firstPaths.length, 'the first journal’s entries are listed')
    assert.deepEqual(journal.entries.map((e) => e.path), firstPaths)
    assert.equal(journal.info?.name, 'First')
  })

  it('browses an older version read-only and goes back to the latest', async () => {
    const key = await harness.newActiveJournal()
    const older = await harness.app.importFile(HELLO_MP3)
    await harness.app.importFile(HELLO_WAV)
    const journal = useJournalStore()
    await journal.start()
    await journal.show(key, 2)
    assert.deepEqual([journal.viewingVersion, journal.viewedVersion, journal.writable], [true, 2, false])
    await waitFor(() => journal.entriesLoaded, 'version 2 is listed')
    assert.deepEqual(journal.entries.map((e) => e.path), [older.path])
    await journal.backToLatest()
    assert.deepEqual([journal.viewingVersion, journal.writable], [false, true])
    await waitFor(() => journal.entries.length === 2, 'the latest version is listed')
  })

  it('renames at once and keeps the service’s answer; a refused rename is undone and reported', async () => {
    const key = await harness.newActiveJournal()
    const entry = await harness.app.importFile(HELLO_MP3)
    const journal = useJournalStore()
    await journal.start()
    await waitFor(() => journal.entries.length === 1, 'the entry is listed')
    const renaming = journal.renameEntry(entry.path, 'Harbour walk')
    assert.equal(journal.entries[0]!.title, 'Harbour walk', 'shown before the service answers')
    await renaming
    assert.equal((await entriesOf(key))[0]!.title, 'Harbour walk')

    // A title the service refuses: the shown title goes back, and a notice says why.
    await journal.renameEntry(entry.path, 'x'.repeat(5000))
    assert.equal(journal.entries[0]!.title, 'Harbour walk')
    assert.match(useNoticeStore().latest?.message ?? '', /^Could not rename the entry: /)
    assert.equal((await entriesOf(key))[0]!.title, 'Harbour walk')
  })

  it('deletes an entry from the list once the service has', async () => {
    const key = await harness.newActiveJournal()
    const kept = await harness.app.importFile(HELLO_MP3)
    const gone = await harness.app.importFile(HELLO_WAV)
    const journal = useJournalStore()
    await journal.start()
    await waitFor(() => journal.entries.length === 2, 'both entries are listed')
    assert.equal(await journal.deleteEntry(gone.path), true)
    assert.deepEqual(journal.entries.map((e) => e.path), [kept.path])
    assert.deepEqual((await entriesOf(key)).map((e) => e.path), [kept.path])
    await waitFor(() => useHistoryStore().items[0]?.change === 'deleted', 'the history shows the deletion')
  })

  it('falls back to the active journal when the shown one is removed elsewhere', async () => {
    const active = await harness.newActiveJournal('Active')
    const journal = useJournalStore()
    await journal.start()
    assert.equal(await useLibraryActions().create('Doomed'), null)
    const doomed = journal.shownKey!
    assert.notEqual(doomed, active)
    await harness.app.call('removeFromLibrary', { journal: doomed, confirmWritable: true })
    await waitFor(() => journal.shownKey === active && journal.info?.name === 'Active', 'the window shows the active journal again')
    assert.ok(!useLibraryStore().items.some((i) => i.key === doomed))
  })

  it('refetches a peer’s entries as their blocks arrive', async () => {
    // A writer of its own on the host's testnet (a public journal: followed by its key alone);
    // the host follows it and downloads its blocks.
    const dir = await makeTempDir()
    const writer = await startHeadless(dir.dir, ['--bootstrap', harness.bootstrap, '--public'])
    try {
      const written = await writer.importFile(HELLO_WAV)
      const key = writer.info.key
      await harness.app.call<{ item: LibraryItem }>('addToLibrary', { link: key })
      const journal = useJournalStore()
      await journal.start()
      await journal.show(key)
      // Found over the testnet after the window showed it: the first status event fills the list.
      await waitFor(() => journal.entries.length === 1, 'the peer’s entry is listed', 30_000)
      const listed = journal.entries[0]!
      assert.equal(listed.path, written.path)
      assert.ok(listed.blocksDownloaded < listed.blocksTotal, `not all held yet (${listed.blocksDownloaded}/${listed.blocksTotal})`)
      // Seeding downloads the blocks on the host; only its 'blocks' events tell the store.
      await harness.app.call('setSeeding', { journal: key, state: 'seeding' })
      await waitFor(() => journal.entries[0]?.blocksDownloaded === listed.blocksTotal, 'the store shows every block held', 30_000)
      assert.equal((await harness.app.call<JournalStatus>('getStatus', { journal: key })).entries, 1)
    } finally {
      await writer.stop()
      await dir.cleanup()
    }
  })
})
