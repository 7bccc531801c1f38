import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Browser } from 'playwright'
import type { EntryDto, JournalInfo, JournalStatus, LibraryItem } from '#shared/dto'
import { KEY_HELP } from '#shared/journal-key'
import { launchChromium } from '../helpers/browser'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startAuthorPeer, type AuthorPeer } from '../helpers/author-peer'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { openPeerWindow, type PeerWindowOptions, type WindowSession } from './pages/window-session'

/**
 * The refused garbage key is a 400, and a restart drops the event socket and the requests in
 * flight: those fail below HTTP (net::ERR_…, which one depends on the moment). An error status
 * from the host or an exception in the page is still a failure.
 */
const EXPECTED_ERRORS = /status of 400|Failed to load resource: net::ERR_|WebSocket/

function assertNoPageErrors(session: WindowSession): void {
  assert.deepEqual(session.errors.filter((e) => !EXPECTED_ERRORS.test(e)), [], 'no console errors')
}

// Peer A writes a journal (headless, driven through its API); peer B reads, seeds, browses and
// forks it through the window in Chromium; peer C opens it in its own window once A is offline.
// Separate data directories on one private loopback testnet. A and Chromium are started once and
// only read; every test starts its own B (and its own A when A has to go offline).
describe('the library in the window: another peer’s journal, versions and forks', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let browser: Browser
  let a: AuthorPeer
  const closing: Array<{ close(): Promise<void> } | AuthorPeer> = []

  before(async () => {
    network = await startTestnet()
    browser = await launchChromium()
    a = await startAuthorPeer(network.bootstrap)
  })

  afterEach(async () => {
    for (const peer of closing.splice(0).reverse()) await ('close' in peer ? peer.close() : peer.stop())
  })

  after(async () => {
    await a?.stop()
    await browser?.close()
    await network?.testnet.destroy()
  })

  async function ownA(): Promise<AuthorPeer> {
    const own = await startAuthorPeer(network.bootstrap)
    closing.push(own)
    return own
  }

  /**
   * Peer B with its window open. No Vonage account (whatever the developer's shell has) and no
   * greeting, so calls are simulated; `follow` journals are in its library before the window opens.
   */
  async function openB(options: { follow?: AuthorPeer; prepare?: (app: HeadlessApp) => Promise<void> } & Pick<PeerWindowOptions, 'args'> = {}): Promise<WindowSession> {
    const b = await openPeerWindow(network.bootstrap, {
      browser,
      args: options.args,
      env: { VONAGE_APPLICATION_ID: '', VONAGE_PRIVATE_KEY: '' },
      prepare: async (app) => {
        await app.call('saveSettings', { greeting: '' })
        if (options.follow) await app.call('addToLibrary', { link: options.follow.key })
        await options.prepare?.(app)
      }
    })
    closing.push(b)
    // The window opens on the active journal (the fork, when `prepare` made one active).
    const active = await b.app.call<JournalInfo>('getJournal', {})
    await b.journal.waitShown(active.key)
    return b
  }

  /** B shows A's journal, its entries listed. */
  async function showA(b: WindowSession, peer: AuthorPeer = a): Promise<void> {
    await b.journal.selectJournal(peer.key)
    await waitFor(async () => (await b.journal.rows.count()) === 2, 'A’s two entries are listed', 60_000)
  }

  it('lists my own journal as active, under My journals', async () => {
    const b = await openB()
    const own = b.journal.libraryItem(b.app.info.key)
    await own.waitFor()
    assert.equal(await own.getAttribute('data-kind'), 'own')
    assert.equal(await own.getAttribute('data-active'), 'true')
    assert.equal(await b.journal.byTestId('journal-readonly').count(), 0)
    assertNoPageErrors(b)
  })

  it('explains a garbage key under the field and keeps what was typed', async () => {
    const b = await openB()
    const window = b.journal
    await window.addJournal('hyper://not-a-key/')
    assert.equal(await window.expectAddError(), KEY_HELP)
    assert.equal(await window.byTestId('library-add-input').inputValue(), 'hyper://not-a-key/')
    assert.equal(await window.byTestId('library-add-input').getAttribute('aria-invalid'), 'true')
    assert.equal((await window.libraryKeys()).length, 1)
    assertNoPageErrors(b)
  })

  it('opens A’s journal by key: read-only, its entries arrive', async () => {
    const b = await openB()
    const window = b.journal
    await window.addJournal(a.key)
    await window.waitShown(a.key)
    const item = window.libraryItem(a.key)
    assert.equal(await item.getAttribute('data-kind'), 'followed')
    assert.equal(await item.getAttribute('aria-selected'), 'true')
    await waitFor(async () => (await window.rows.count()) === 2, 'A’s two entries are listed', 60_000)
    assert.deepEqual(await window.rowPaths(), a.kept.map((e) => e.path))
    await window.byTestId('journal-readonly').waitFor()
    assert.equal(await window.byTestId('import-button').count(), 0, 'no import into someone else’s journal')
    assert.equal(await window.byTestId('entry-delete').count(), 0)
    assert.match((await window.byTestId('journal-import-note').textContent()) ?? '', /active journal/)
    assertNoPageErrors(b)
  })

  it('plays an entry before it is downloaded; its blocks then update live', async () => {
    const b = await openB({ follow: a })
    const window = b.journal
    await showA(b)
    const entry = a.kept[0]!
    const before = await window.entryBlocks(entry.path)
    assert.ok(before.total > 0 && before.downloaded < before.total, `not complete before playing (${before.downloaded}/${before.total})`)
    const response = await window.playEntry(entry.path)
    assert.ok([200, 206].includes(response.status()))
    assert.match(response.url(), new RegExp(`/audio/${a.key}/`))
    await waitFor(async () => (await window.audioTime()) > 0.2, 'playback advances', 20_000)
    await window.seek(3)
    await waitFor(async () => (await window.audioTime()) >= 3, 'the seek lands', 20_000)
    await waitFor(async () => (await window.entryBlocks(entry.path)).downloaded === before.total, 'the blocks count reaches the total', 20_000)
    assertNoPageErrors(b)
  })

  it('seeds A’s journal completely, with the progress in the library', async () => {
    const b = await openB({ follow: a })
    const window = b.journal
    await showA(b)
    await window.toggleSeeding()
    await window.byTestId('seeding-pause').waitFor()
    const progress = await window.waitSeedingComplete()
    assert.ok(progress.bytesTotal > 0)
    assert.equal(progress.bytesDownloaded, progress.bytesTotal)
    await waitFor(async () => /✓/.test((await window.libraryItem(a.key).getByTestId('library-item-seeding').textContent()) ?? ''), 'the library says complete')
    await window.pauseSeeding()
    await window.resumeSeeding()
    assertNoPageErrors(b)
  })

  it('is usable from the keyboard: arrows move through the library, Enter shows a journal', async () => {
    const b = await openB({ follow: a })
    const window = b.journal
    await window.libraryItem(a.key).waitFor()
    await window.byTestId('library-list').focus()
    await window.page.keyboard.press('Home')
    await window.page.keyboard.press('Enter')
    await window.waitShown(b.app.info.key)
    await window.page.keyboard.press('ArrowDown')
    await window.page.keyboard.press('Enter')
    await window.waitShown(a.key)
    assert.equal(await window.libraryItem(a.key).getAttribute('aria-selected'), 'true')
    await waitFor(async () => (await window.rows.count()) === 2, 'A’s entries are listed', 60_000)
    assertNoPageErrors(b)
  })

  it('opens an older version, plays an entry deleted since, and compares it with the latest', async () => {
    const b = await openB({ follow: a })
    const window = b.journal
    await showA(b)
    await window.openVersion(a.versionBeforeDelete)
    await window.row(a.deleted.path).waitFor()
    assert.equal(await window.rows.count(), 3)
    await window.byTestId('journal-readonly').waitFor()
    const response = await window.playEntry(a.deleted.path)
    assert.match(response.url(), new RegExp(`version=${a.versionBeforeDelete}`))
    await waitFor(async () => (await window.audioTime()) > 0.2, 'the deleted entry plays', 20_000)
    const changes = await window.compareWithLatest()
    assert.deepEqual(changes, [{ change: 'deleted', path: a.deleted.path }])
    await window.backToLatest()
    assert.equal(await window.rows.count(), 2)
    assert.equal(await window.row(a.deleted.path).count(), 0)
    assertNoPageErrors(b)
  })

  it('forks A at the older version into my active journal; an import and a call land in the fork only', async () => {
    const b = await openB({ follow: a })
    const window = b.journal
    const ownKey = b.app.info.key
    await showA(b)
    const statusBefore = await a.app.call<JournalStatus>('getStatus')
    // A is public; its copy is made private (the dialog says A's key stays public).
    await window.historyRow(a.versionBeforeDelete).getByTestId('history-fork-version').click()
    await window.byTestId('fork-private').check()
    assert.match((await window.byTestId('fork-private-note').textContent()) ?? '', /The original's key stays public/)
    await window.byTestId('fork-dialog').getByRole('button', { name: 'Cancel' }).click()
    const forkKey = await window.forkFromHistory(a.versionBeforeDelete, { name: 'Harbour fork', makeActive: true, private: true })
    assert.notEqual(forkKey, a.key)
    assert.equal((await b.app.call<JournalInfo>('getJournal', { journal: forkKey })).private, true, 'the copy is private')
    assert.match((await window.page.locator('.key-bar').textContent()) ?? '', /Private journal/)
    assert.deepEqual(await window.provenance(), { forkedFrom: a.key, version: a.versionBeforeDelete })
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
    assert.deepEqual(await a.app.call<JournalStatus>('getStatus'), statusBefore, 'A’s journal is untouched')
    assertNoPageErrors(b)
  })

  it('serves C every entry, byte-identical, from B alone once A is offline', async () => {
    // A of this test's own, since it goes offline; B seeds it completely first.
    const offline = await ownA()
    const dirB = await makeTempDir()
    const peerB = await startHeadless(dirB.dir, ['--bootstrap', network.bootstrap])
    closing.push({
      async close() {
        await peerB.stop()
        await dirB.cleanup()
      }
    })
    await peerB.call('addToLibrary', { link: offline.key })
    await peerB.call('setSeeding', { journal: offline.key, state: 'seeding' })
    const seeded = async (): Promise<boolean> =>
      (await peerB.call<LibraryItem[]>('listLibrary')).find((i) => i.key === offline.key)?.seeding.complete === true
    await waitFor(seeded, 'B holds every block of A', 60_000)
    await offline.stop()
    // C is started with A's link on its command line; +N opens that version in its window, where
    // C plays the entry A deleted later, from B's copy.
    const c = await openPeerWindow(network.bootstrap, { browser, args: [`hyper://${offline.key}+${offline.versionBeforeDelete}/`] })
    closing.push(c)
    await c.journal.waitShown(offline.key)
    await c.page.locator(`[data-testid="version-banner"][data-version="${offline.versionBeforeDelete}"]`).waitFor()
    await c.journal.row(offline.deleted.path).waitFor({ timeout: 30_000 })
    const old = await c.journal.playEntry(offline.deleted.path)
    assert.match(old.url(), new RegExp(`version=${offline.versionBeforeDelete}`))
    await waitFor(async () => (await c.journal.audioTime()) > 0.2, 'C plays the deleted entry', 20_000)
    await c.journal.backToLatest()
    await waitFor(async () => (await c.journal.rows.count()) === 2, 'C lists A’s entries from B', 60_000)
    assert.deepEqual(await c.journal.rowPaths(), offline.kept.map((e) => e.path))
    const mp3 = await readFile(HELLO_MP3)
    for (const entry of offline.kept) assert.ok((await c.app.audio(entry.path, undefined, offline.key)).equals(mp3), entry.path)
    // B seeded every version, so C can play the entry A deleted, from history.
    assert.ok((await c.app.audio(offline.deleted.path, offline.versionBeforeDelete, offline.key)).equals(await readFile(HELLO_WAV)))
    const response = await c.journal.playEntry(offline.kept[0]!.path)
    assert.ok([200, 206].includes(response.status()))
    await waitFor(async () => (await c.journal.audioTime()) > 0.2, 'C plays it', 20_000)
    assert.deepEqual(c.errors.filter((e) => !/WebSocket/.test(e)), [])
  })

  it('keeps the library, seeding and the fork across a restart', async () => {
    let forkKey = ''
    const b = await openB({
      follow: a,
      prepare: async (app) => {
        await app.call('setSeeding', { journal: a.key, state: 'seeding' })
        forkKey = (await app.call<LibraryItem>('forkJournal', { journal: a.key, version: a.versionBeforeDelete, name: 'Harbour fork', makeActive: true })).key
      }
    })
    const window = b.journal
    const ownKey = b.app.info.key
    await window.selectJournal(a.key)
    await window.page.locator('[data-testid="seeding-toggle"][aria-checked="true"]').waitFor()
    await b.restart()
    await window.libraryItem(forkKey).waitFor()
    assert.deepEqual(new Set(await window.libraryKeys()), new Set([ownKey, a.key, forkKey]))
    assert.equal(await window.libraryItem(forkKey).getAttribute('data-active'), 'true')
    await window.waitShown(forkKey)
    await window.selectJournal(a.key)
    await window.page.locator('[data-testid="seeding-toggle"][aria-checked="true"]').waitFor()
    assertNoPageErrors(b)
  })

  it('asks twice before removing a journal I write', async () => {
    const b = await openB()
    const window = b.journal
    const scratch = await window.createJournal('Scratch')
    assert.equal(await window.libraryItem(scratch).getAttribute('data-kind'), 'own')
    await window.byTestId('journal-remove').click()
    await window.byTestId('confirm-remove').click()
    await window.byTestId('remove-writable-warning').waitFor()
    await window.byTestId('cancel-remove').click()
    assert.equal(await window.libraryItem(scratch).count(), 1, 'cancelling the second question keeps it')
    await window.removeJournal(scratch, { writable: true })
    assertNoPageErrors(b)
  })

  it('removes a followed journal after one confirmation; added back by link with nobody serving it, it is looking for peers', async () => {
    // A of this test's own, gone offline once B holds all of it (B seeded it, as a follower would).
    const gone = await ownA()
    const b = await openB({
      follow: gone,
      prepare: async (app) => {
        // Listed first (see the test above), then seeded.
        await waitFor(async () => (await app.call<EntryDto[]>('listEntries', { journal: gone.key })).length === 2, 'B lists A’s entries', 60_000)
        await app.call('setSeeding', { journal: gone.key, state: 'seeding' })
        const complete = async (): Promise<boolean> => (await app.call<LibraryItem[]>('listLibrary')).find((i) => i.key === gone.key)?.seeding.complete === true
        await waitFor(complete, 'B holds every block of A', 60_000)
      }
    })
    await gone.stop()
    const window = b.journal
    await window.removeJournal(gone.key, { writable: false })
    assert.deepEqual(await window.libraryKeys(), [b.app.info.key])
    // Its blocks went with it and A is offline: nobody serves it now.
    await window.addJournal(`hyper://${gone.key}/`)
    await window.waitShown(gone.key)
    assert.equal(await window.libraryItem(gone.key).getAttribute('data-kind'), 'followed')
    await window.libraryItem(gone.key).getByTestId('library-item-looking').waitFor()
    assertNoPageErrors(b)
  })
})
