import { strict as assert } from 'node:assert'
import { after, afterEach, before, beforeEach, describe, it } from 'node:test'
import type { LibraryItem } from '#shared/dto'
import { KEY_HELP } from '#shared/journal-key'
import { useJournalStore } from '../../src/renderer/src/stores/journal'
import { useLibraryStore } from '../../src/renderer/src/stores/library'
import { useLibraryActions } from '../../src/renderer/src/stores/library-actions'
import { useNoticeStore } from '../../src/renderer/src/stores/notices'
import { HELLO_MP3 } from '../helpers/fixtures'
import { StoreHarness } from '../helpers/store-harness'
import { waitFor } from '../helpers/wait-for'

// The library store (every journal the app knows), the actions that show what they add and the
// notices that report what failed, over the renderer's HTTP client against a built headless host.
// Each test makes its own journals on the host, and gets a fresh Pinia and client.
describe('library and notice stores', () => {
  let harness: StoreHarness
  before(async () => {
    harness = await StoreHarness.start()
  })
  after(() => harness?.close())
  beforeEach(() => harness.beginTest())
  afterEach(() => harness.endTest())

  const hostLibrary = (): Promise<LibraryItem[]> => harness.app.call<LibraryItem[]>('listLibrary')

  it('mirrors the host’s library, grouped, with the active journal', async () => {
    const active = await harness.newActiveJournal('Mirrored')
    const library = useLibraryStore()
    await library.start()
    assert.equal(library.loaded, true)
    assert.deepEqual(library.items, await hostLibrary())
    assert.equal(library.active?.key, active)
    assert.deepEqual(library.groups.map((g) => [g.kind, g.label]), [['own', 'My journals']])
    assert.equal(library.groups[0]!.items.length, library.items.length)
  })

  it('follows library events: a journal added elsewhere appears, one removed elsewhere goes', async () => {
    const library = useLibraryStore()
    await library.start()
    const { key } = await harness.app.call<LibraryItem>('createJournal', { name: 'Made elsewhere' })
    await waitFor(() => library.byKey(key)?.name === 'Made elsewhere', 'the new journal appears')
    await harness.app.call('removeFromLibrary', { journal: key, confirmWritable: true })
    await waitFor(() => library.byKey(key) === null, 'the removed journal goes')
  })

  it('adds a journal by link and shows it; a garbage key is explained for the field and adds nothing', async () => {
    const library = useLibraryStore()
    const journal = useJournalStore()
    await journal.start()
    const actions = useLibraryActions()
    const count = library.items.length
    assert.equal(await actions.add('hyper://not-a-key/'), KEY_HELP)
    assert.equal(library.items.length, count)
    assert.deepEqual(useNoticeStore().notices, [], 'a bad key is the field’s to explain, not a notice')

    // A second journal of the host, opened by its link at version 1 as someone else would.
    const { key } = await harness.app.call<LibraryItem>('createJournal', { name: 'By link' })
    assert.equal(await actions.add(`hyper://${key}+1/`), null)
    assert.equal(journal.shownKey, key)
    assert.equal(journal.viewedVersion, 1)
    assert.equal(library.byKey(key)?.name, 'By link')
  })

  it('creates a journal and shows it; makes it active, and only it is active', async () => {
    const previous = await harness.newActiveJournal('Previously active')
    const library = useLibraryStore()
    const journal = useJournalStore()
    await journal.start()
    assert.equal(await useLibraryActions().create('  Travel   notes '), null)
    const created = journal.shownKey!
    assert.equal(library.byKey(created)?.name, 'Travel notes')
    assert.equal(journal.isActive, false)
    await library.setActive(created)
    assert.equal(library.active?.key, created)
    assert.equal(library.byKey(previous)?.active, false)
    assert.deepEqual(library.items.filter((i) => i.active).map((i) => i.key), [created])
    assert.equal(journal.isActive, true, 'the shown journal’s header follows the library')
    assert.equal((await hostLibrary()).find((i) => i.active)?.key, created)
  })

  it('forks a journal at a version and shows the fork, with its provenance', async () => {
    const source = await harness.newActiveJournal('Source')
    await harness.app.importFile(HELLO_MP3)
    await harness.app.importFile(HELLO_MP3)
    const library = useLibraryStore()
    const journal = useJournalStore()
    await journal.start()
    const fork = await useLibraryActions().fork({ journal: source, version: 2, name: 'Copy', makeActive: false })
    assert.equal(journal.shownKey, fork.key)
    assert.deepEqual(journal.info?.provenance && { ...journal.info.provenance, forkedAt: 0 }, { forkedFrom: source, version: 2, forkedAt: 0 })
    await waitFor(() => journal.entries.length === 1, 'the one entry of version 2 is listed')
    assert.equal(library.byKey(fork.key)?.kind, 'fork')
    assert.equal(library.active?.key, source)
  })

  it('asks for a second confirmation before removing a journal I write; the active one is refused with a reason', async () => {
    const active = await harness.newActiveJournal('Staying')
    const { key } = await harness.app.call<LibraryItem>('createJournal', { name: 'Going' })
    const library = useLibraryStore()
    await library.start()
    assert.equal(await library.remove(key, false), 'needs-confirmation')
    assert.ok(library.byKey(key), 'still listed after the first question')
    assert.equal(await library.remove(key, true), 'removed')
    assert.equal(library.byKey(key), null)
    assert.ok(!(await hostLibrary()).some((i) => i.key === key))
    await assert.rejects(library.remove(active, true), /active journal/)
    assert.ok(library.byKey(active))
  })

  it('reports a refused seeding change as a notice, and marks the journal busy only while the call runs', async () => {
    const own = await harness.newActiveJournal('Always served')
    const library = useLibraryStore()
    await library.start()
    const changing = library.setSeeding(own, 'seeding')
    assert.ok(library.busy.has(own), 'busy while the call runs')
    await changing
    assert.ok(!library.busy.has(own))
    const notices = useNoticeStore()
    assert.equal(notices.notices.length, 1)
    assert.match(notices.latest!.message, /^Could not change seeding: .*always served/)
    assert.equal(library.byKey(own)?.seeding.state, 'off')
  })

  it('notices keep one copy of a repeated failure, newest last, and are dismissed one or all', async () => {
    const own = await harness.newActiveJournal()
    const library = useLibraryStore()
    await library.start()
    const notices = useNoticeStore()
    await library.setSeeding(own, 'seeding')
    await library.setActive('i46rd8dei13gtxg5pexc4s56xbrk6az6zzkdx5b9te7zmwsbiobo')
    await library.setSeeding(own, 'seeding')
    assert.deepEqual(
      notices.notices.map((n) => n.message.split(':')[0]),
      ['Could not make the journal active', 'Could not change seeding'],
      'the repeated failure moved to the end, once'
    )
    assert.equal(notices.latest, notices.notices[1])
    notices.dismiss(notices.notices[0]!.id)
    assert.deepEqual(notices.notices.map((n) => n.message.split(':')[0]), ['Could not change seeding'])
    notices.dismissAll()
    assert.deepEqual(notices.notices, [])
    assert.equal(notices.latest, null)
  })
})
