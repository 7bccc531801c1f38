import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { EntryDto, JournalStatus } from '#shared/dto'
import { KEY_HELP } from '#shared/journal-key'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import type { JournalPage } from './pages/journal-page'
import { openPeerWindow, type WindowSession } from './pages/window-session'

// Peer A writes a journal (headless, driven through its API); peer B reads, seeds, browses and
// forks it through the window in Chromium; once A is offline, peer C opens it in its own window
// and gets everything from B. Three data directories on one private loopback testnet.
describe('the library in the window: another peer’s journal, versions and forks', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let peerA: HeadlessApp
  let cleanupA: () => Promise<void>
  let b: WindowSession
  let window: JournalPage
  let keyA: string
  let versionBeforeDelete: number
  let deleted: EntryDto
  let kept: EntryDto[]
  let forkKey: string
  /** B's own first journal (the headless app prints the active journal's key, which the fork becomes). */
  let ownKey: string

  before(async () => {
    network = await startTestnet()
    const dirA = await makeTempDir()
    cleanupA = dirA.cleanup
    peerA = await startHeadless(dirA.dir, ['--bootstrap', network.bootstrap])
    keyA = peerA.info.key
    const first = await peerA.importFile(HELLO_MP3)
    const second = await peerA.importFile(HELLO_WAV)
    const third = await peerA.importFile(HELLO_MP3)
    versionBeforeDelete = (await peerA.call<JournalStatus>('getStatus')).version
    await peerA.call('deleteEntry', { path: second.path })
    deleted = second
    kept = [third, first]
    // No Vonage account (whatever the developer's shell has) and no greeting: calls are simulated.
    b = await openPeerWindow(network.bootstrap, {
      env: { VONAGE_APPLICATION_ID: '', VONAGE_PRIVATE_KEY: '' },
      prepare: (app) => app.call('saveSettings', { greeting: '' }).then(() => {})
    })
    window = b.journal
    ownKey = b.app.info.key
    await window.byTestId('empty-entries').waitFor()
  })

  after(async () => {
    await b?.close()
    await peerA?.stop()
    await cleanupA?.()
    await network?.testnet.destroy()
  })

  it('lists my own journal as active, under My journals', async () => {
    const own = window.libraryItem(ownKey)
    await own.waitFor()
    assert.equal(await own.getAttribute('data-kind'), 'own')
    assert.equal(await own.getAttribute('data-active'), 'true')
    assert.equal(await window.byTestId('journal-readonly').count(), 0)
  })

  it('explains a garbage key under the field and keeps what was typed', async () => {
    await window.addJournal('hyper://not-a-key/')
    assert.equal(await window.expectAddError(), KEY_HELP)
    assert.equal(await window.byTestId('library-add-input').inputValue(), 'hyper://not-a-key/')
    assert.equal(await window.byTestId('library-add-input').getAttribute('aria-invalid'), 'true')
    assert.equal((await window.libraryKeys()).length, 1)
  })

  it('opens A’s journal by key: read-only, its entries arrive', async () => {
    await window.addJournal(keyA)
    await window.waitShown(keyA)
    const item = window.libraryItem(keyA)
    assert.equal(await item.getAttribute('data-kind'), 'followed')
    assert.equal(await item.getAttribute('aria-selected'), 'true')
    await waitFor(async () => (await window.rows.count()) === 2, 'A’s two entries are listed', 60_000)
    assert.deepEqual(await window.rowPaths(), kept.map((e) => e.path))
    await window.byTestId('journal-readonly').waitFor()
    assert.equal(await window.byTestId('import-button').count(), 0, 'no import into someone else’s journal')
    assert.equal(await window.byTestId('entry-delete').count(), 0)
    assert.match((await window.byTestId('journal-import-note').textContent()) ?? '', /active journal/)
  })

  it('plays an entry before it is downloaded; its blocks then update live', async () => {
    const entry = kept[0]!
    const before = await window.entryBlocks(entry.path)
    assert.ok(before.total > 0 && before.downloaded < before.total, `not complete before playing (${before.downloaded}/${before.total})`)
    const response = await window.playEntry(entry.path)
    assert.ok([200, 206].includes(response.status()))
    assert.match(response.url(), new RegExp(`/audio/${keyA}/`))
    await waitFor(async () => (await window.audioTime()) > 0.2, 'playback advances', 20_000)
    await window.seek(3)
    await waitFor(async () => (await window.audioTime()) >= 3, 'the seek lands', 20_000)
    await waitFor(async () => (await window.entryBlocks(entry.path)).downloaded === before.total, 'the blocks count reaches the total', 20_000)
  })

  it('seeds A’s journal completely, with the progress in the library', async () => {
    await window.toggleSeeding()
    await window.byTestId('seeding-pause').waitFor()
    const progress = await window.waitSeedingComplete()
    assert.ok(progress.bytesTotal > 0)
    assert.equal(progress.bytesDownloaded, progress.bytesTotal)
    await waitFor(async () => /✓/.test((await window.libraryItem(keyA).getByTestId('library-item-seeding').textContent()) ?? ''), 'the library says complete')
    await window.pauseSeeding()
    await window.resumeSeeding()
  })

  it('is usable from the keyboard: arrows move through the library, Enter shows a journal', async () => {
    await window.byTestId('library-list').focus()
    await window.page.keyboard.press('Home')
    await window.page.keyboard.press('Enter')
    await window.waitShown(ownKey)
    await window.page.keyboard.press('ArrowDown')
    await window.page.keyboard.press('Enter')
    await window.waitShown(keyA)
    assert.equal(await window.libraryItem(keyA).getAttribute('aria-selected'), 'true')
    await waitFor(async () => (await window.rows.count()) === 2, 'A’s entries are back')
  })

  it('opens an older version, plays an entry deleted since, and compares it with the latest', async () => {
    await window.openVersion(versionBeforeDelete)
    await window.row(deleted.path).waitFor()
    assert.equal(await window.rows.count(), 3)
    await window.byTestId('journal-readonly').waitFor()
    const response = await window.playEntry(deleted.path)
    assert.match(response.url(), new RegExp(`version=${versionBeforeDelete}`))
    await waitFor(async () => (await window.audioTime()) > 0.2, 'the deleted entry plays', 20_000)
    const changes = await window.compareWithLatest()
    assert.deepEqual(changes, [{ change: 'deleted', path: deleted.path }])
    await window.backToLatest()
    assert.equal(await window.rows.count(), 2)
    assert.equal(await window.row(deleted.path).count(), 0)
  })

  it('forks A at the older version into my active journal; an import and a call land in the fork only', async () => {
    const statusBefore = await peerA.call<JournalStatus>('getStatus')
    forkKey = await window.forkFromHistory(versionBeforeDelete, { name: 'Harbour fork', makeActive: true })
    assert.notEqual(forkKey, keyA)
    assert.deepEqual(await window.provenance(), { forkedFrom: keyA, version: versionBeforeDelete })
    assert.equal((await window.byTestId('journal-name').textContent())?.trim(), 'Harbour fork')
    await window.byTestId('journal-active').waitFor()
    await waitFor(async () => (await window.rows.count()) === 3, 'the fork holds the three entries of that version', 20_000)
    assert.equal(await window.libraryItem(forkKey).getAttribute('data-kind'), 'fork')
    await waitFor(async () => (await window.libraryItem(forkKey).getAttribute('data-active')) === 'true', 'the fork is active in the library')
    assert.equal(await window.libraryItem(ownKey).getAttribute('data-active'), 'false')

    await window.addFiles([HELLO_WAV])
    await waitFor(async () => (await window.rows.count()) === 4, 'the import shows in the fork', 20_000)
    // A phone call (the built-in simulator, through the app's real webhooks) goes to the active fork.
    await window.byTestId('simulate-mode').selectOption('record')
    await window.byTestId('simulate-call').click()
    await waitFor(async () => (await window.rows.count()) === 5, 'the call’s entry shows in the fork', 40_000)
    const forkEntries = await b.app.call<EntryDto[]>('listEntries', { journal: forkKey })
    assert.equal(forkEntries.filter((e) => e.source === 'record').length, 1, 'the recording is in the fork')
    assert.deepEqual(await peerA.call<JournalStatus>('getStatus'), statusBefore, 'A’s journal is untouched')
  })

  it('serves C every entry, byte-identical, from B alone once A is offline', async () => {
    assert.equal(await peerA.stop(), 0)
    // C is started with A's link on its command line; +N opens that version in its window, where
    // C plays the entry A deleted later, from B's copy.
    const c = await openPeerWindow(network.bootstrap, { args: [`hyper://${keyA}+${versionBeforeDelete}/`] })
    try {
      await c.journal.waitShown(keyA)
      await c.page.locator(`[data-testid="version-banner"][data-version="${versionBeforeDelete}"]`).waitFor()
      await c.journal.row(deleted.path).waitFor({ timeout: 30_000 })
      const old = await c.journal.playEntry(deleted.path)
      assert.match(old.url(), new RegExp(`version=${versionBeforeDelete}`))
      await waitFor(async () => (await c.journal.audioTime()) > 0.2, 'C plays the deleted entry', 20_000)
      await c.journal.backToLatest()
      await waitFor(async () => (await c.journal.rows.count()) === 2, 'C lists A’s entries from B', 60_000)
      assert.deepEqual(await c.journal.rowPaths(), kept.map((e) => e.path))
      const mp3 = await readFile(HELLO_MP3)
      for (const entry of kept) assert.ok((await c.app.audio(entry.path, undefined, keyA)).equals(mp3), entry.path)
      // B seeded every version, so C can play the entry A deleted, from history.
      assert.ok((await c.app.audio(deleted.path, versionBeforeDelete, keyA)).equals(await readFile(HELLO_WAV)))
      const response = await c.journal.playEntry(kept[0]!.path)
      assert.ok([200, 206].includes(response.status()))
      await waitFor(async () => (await c.journal.audioTime()) > 0.2, 'C plays it', 20_000)
      assert.deepEqual(c.errors.filter((e) => !/WebSocket/.test(e)), [])
    } finally {
      await c.close()
    }
  })

  it('keeps the library, seeding and the fork across a restart', async () => {
    await window.selectJournal(keyA)
    if ((await window.byTestId('seeding-toggle').getAttribute('aria-checked')) !== 'true') await window.toggleSeeding()
    await b.restart()
    await window.libraryItem(forkKey).waitFor()
    assert.deepEqual(new Set(await window.libraryKeys()), new Set([ownKey, keyA, forkKey]))
    assert.equal(await window.libraryItem(forkKey).getAttribute('data-active'), 'true')
    await window.waitShown(forkKey)
    await window.selectJournal(keyA)
    await window.page.locator('[data-testid="seeding-toggle"][aria-checked="true"]').waitFor()
  })

  it('asks twice before removing a journal I write', async () => {
    const scratch = await window.createJournal('Scratch')
    assert.equal(await window.libraryItem(scratch).getAttribute('data-kind'), 'own')
    await window.byTestId('journal-remove').click()
    await window.byTestId('confirm-remove').click()
    await window.byTestId('remove-writable-warning').waitFor()
    await window.byTestId('cancel-remove').click()
    assert.equal(await window.libraryItem(scratch).count(), 1, 'cancelling the second question keeps it')
    await window.removeJournal(scratch, { writable: true })
  })

  it('removes a followed journal after one confirmation; added back by link with nobody serving it, it is looking for peers', async () => {
    await window.removeJournal(keyA, { writable: false })
    assert.deepEqual(new Set(await window.libraryKeys()), new Set([ownKey, forkKey]))
    // Its blocks went with it, A is offline and C is gone: nobody serves it now.
    await window.addJournal(`hyper://${keyA}/`)
    await window.waitShown(keyA)
    assert.equal(await window.libraryItem(keyA).getAttribute('data-kind'), 'followed')
    await window.libraryItem(keyA).getByTestId('library-item-looking').waitFor()
  })

  it('logged no console errors', () => {
    // The refused garbage key is a 400, and a restart drops the event socket and the requests in
    // flight; nothing else may be logged.
    assert.deepEqual(b.errors.filter((e) => !/status of 400|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|WebSocket/.test(e)), [])
  })
})
