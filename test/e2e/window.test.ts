import { strict as assert } from 'node:assert'
import { after, afterEach, before, describe, it } from 'node:test'
import { filesize } from 'filesize'
import type { EntryDto, JournalStatus, LibraryItem } from '#shared/dto'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import type { HeadlessApp } from '../helpers/headless-process'
import { waitFor } from '../helpers/wait-for'
import { openAppWindow, openWindowSession, type AppWindow, type WindowSession } from './pages/window-session'

/** A window on a journal of its own: the test's key, and the page showing it. */
interface JournalWindow extends AppWindow {
  key: string
}

// The real renderer in Debian's Chromium against the built headless host. The app is started
// once; every test makes a new journal of its own active and opens a window on it, so no test
// sees what another wrote.
describe('the journal window in Chromium', () => {
  let session: WindowSession
  let app: HeadlessApp
  const windows: AppWindow[] = []

  before(async () => {
    session = await openWindowSession()
    app = session.app
  })
  after(() => session?.close())
  afterEach(async () => {
    for (const window of windows.splice(0)) await window.close()
  })

  /** A new empty journal, made active (imports go there); `prepare` fills it before the window opens on it. */
  async function windowOnNewJournal(prepare?: (key: string) => Promise<void>, options: { private?: boolean } = {}): Promise<JournalWindow> {
    const { key } = await app.call<LibraryItem>('createJournal', { name: 'Test journal', ...options })
    await app.call('setActiveJournal', { journal: key })
    await prepare?.(key)
    const window = await openAppWindow(session.browser, app)
    windows.push(window)
    await window.journal.waitShown(key)
    return { ...window, key }
  }

  const entriesOf = (key: string): Promise<EntryDto[]> => app.call<EntryDto[]>('listEntries', { journal: key })
  const statusOf = (key: string): Promise<JournalStatus> => app.call<JournalStatus>('getStatus', { journal: key })

  /** An MP3 then a WAV, imported as the window would; the WAV is the newest. */
  async function importBoth(): Promise<void> {
    await app.importFile(HELLO_MP3)
    await app.importFile(HELLO_WAV)
  }

  it('shows the journal key, its link and real status values on an empty journal', async () => {
    const { journal, page, key, errors } = await windowOnNewJournal(undefined, { private: false })
    await journal.byTestId('empty-entries').waitFor()
    assert.equal((await journal.byTestId('journal-key').textContent())?.trim(), key)
    assert.match((await journal.byTestId('journal-link').textContent()) ?? '', new RegExp(`hyper://${key}/`))
    assert.equal(await journal.statusValue('peers').textContent(), '0')
    assert.equal(await journal.statusValue('version').textContent(), '1')
    assert.match((await journal.statusValue('updated').textContent()) ?? '', /never/i)
    assert.equal(await journal.statusValue('size').textContent(), filesize(0, { round: 1 }))
    assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar')
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('a private journal: says so, never prints its read key, and copies the private link with one deliberate click', async () => {
    const { journal, page, key, errors } = await windowOnNewJournal()
    const { link } = await app.call<LibraryItem>('getJournal', { journal: key })
    const readKey = link.split('#encryptionKey=')[1]!
    assert.match(readKey, /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/)
    await journal.byTestId('empty-entries').waitFor()
    assert.equal((await journal.byTestId('journal-key').textContent())?.trim(), key)
    assert.match((await page.locator('.key-bar').textContent()) ?? '', /Private journal.*Anyone with this link can listen/s)
    assert.ok(!(await page.content()).includes(readKey), 'the read key is nowhere in the page')
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await journal.byTestId('copy-private-link').click()
    await page.getByRole('status').filter({ hasText: 'Link copied' }).waitFor()
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link)
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('adds an MP3 and a WAV through the file picker; they appear without a reload', async () => {
    const { journal, key, errors } = await windowOnNewJournal()
    await journal.byTestId('empty-entries').waitFor()
    await journal.addFiles([HELLO_MP3, HELLO_WAV])
    await waitFor(async () => (await journal.rows.count()) === 2, 'two rows are listed', 15_000)
    const entries = await entriesOf(key)
    const status = await statusOf(key)
    await waitFor(async () => (await journal.statusValue('version').textContent()) === String(status.version), 'version box updates')
    assert.equal(status.version, 3)
    assert.equal(await journal.statusValue('size').textContent(), filesize(status.size, { round: 1 }))
    assert.match((await journal.statusValue('updated').textContent()) ?? '', /seconds? ago|just now/i)
    assert.deepEqual(await journal.rowPaths(), entries.map((e) => e.path), 'rows are newest first, as the service lists them')
    const mp3 = entries.find((e) => e.format === 'mp3')!
    assert.equal(await journal.row(mp3.path).getByTestId('entry-duration').textContent(), '0:05')
    assert.equal(await journal.row(mp3.path).getByTestId('entry-size').textContent(), filesize(mp3.size, { round: 1 }))
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('plays an entry through ranged responses and seeks in it', async () => {
    const { journal, key, errors } = await windowOnNewJournal(importBoth)
    const wav = (await entriesOf(key)).find((e) => e.format === 'wav')!
    const response = await journal.play(wav.path)
    assert.equal(response.status(), 206)
    assert.match((await response.headerValue('content-range')) ?? '', new RegExp(`^bytes 0-\\d+/${wav.size}$`))
    await waitFor(async () => (await journal.audioTime()) > 0.2, 'playback advances', 10_000)
    await journal.seekTo(4)
    await waitFor(async () => (await journal.audioTime()) >= 4, 'the seek lands at 4 s', 10_000)
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('is usable from the keyboard: select with arrows, rename with F2', async () => {
    const { journal, page, key, errors } = await windowOnNewJournal(importBoth)
    const newest = (await entriesOf(key))[0]!
    await journal.row(newest.path).waitFor()
    const list = journal.byTestId('entry-list')
    await list.focus()
    // End selects the oldest (the MP3); ArrowUp walks back to the newest (the WAV).
    await page.keyboard.press('End')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('F2')
    const input = journal.byTestId('rename-input')
    await input.fill('Harbour walk')
    await input.press('Enter')
    await waitFor(async () => (await journal.row(newest.path).getByTestId('entry-title').textContent())?.trim() === 'Harbour walk', 'title shows')
    // The window shows the new title at once; the journal has it once the rename is written.
    await waitFor(async () => (await entriesOf(key)).find((e) => e.path === newest.path)?.title === 'Harbour walk', 'the journal has the title')
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('deletes an entry after confirmation; the history shows a del row', async () => {
    const { journal, key, errors } = await windowOnNewJournal(async (key) => {
      await importBoth()
      const [newest] = await entriesOf(key)
      await app.call('renameEntry', { journal: key, path: newest!.path, title: 'Harbour walk' })
    })
    const mp3 = (await entriesOf(key)).find((e) => e.format === 'mp3')!
    await journal.row(mp3.path).getByTestId('entry-delete').click()
    await journal.byTestId('confirm-delete').click()
    await waitFor(async () => (await journal.row(mp3.path).count()) === 0, 'the row goes away')
    const del = journal.historyRows('del')
    await del.first().waitFor()
    const status = await statusOf(key)
    assert.equal(await del.first().getAttribute('data-version'), String(status.version))
    assert.equal(await journal.historyRows('put').count(), 3, 'two additions and a rename stay in the history')
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('erases a deleted entry’s audio when asked: an older version lists it with none of its blocks, the other entry whole', async () => {
    const { journal, key, errors } = await windowOnNewJournal(importBoth)
    const versionBefore = (await statusOf(key)).version
    const [wav, mp3] = await entriesOf(key)
    await journal.row(mp3!.path).getByTestId('entry-delete').click()
    assert.match((await journal.byTestId('erase-audio-note').textContent()) ?? '', /Peers who already copied it may keep it.*This journal is private: only people with its link/s)
    await journal.byTestId('erase-audio').check()
    await journal.byTestId('confirm-delete').click()
    await waitFor(async () => (await journal.row(mp3!.path).count()) === 0, 'the row goes away')
    await journal.historyRows('del').first().waitFor()
    await journal.openVersion(versionBefore)
    assert.deepEqual(await journal.entryBlocks(mp3!.path), { downloaded: 0, total: mp3!.blocksTotal })
    assert.deepEqual(await journal.entryBlocks(wav!.path), { downloaded: wav!.blocksTotal, total: wav!.blocksTotal })
    assert.deepEqual(errors, [], 'no console errors')
  })

  it('the page API refuses requests without the token', async () => {
    const { page, errors } = await windowOnNewJournal()
    const status = await page.evaluate(async () => (await fetch('/api/getStatus', { method: 'POST' })).status)
    assert.equal(status, 401)
    // The refused request is the only thing Chromium may log.
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), [])
  })

  it('explains a file that is not audio, and the journal stays unchanged', async () => {
    const { journal, key, errors } = await windowOnNewJournal(async () => void (await app.importFile(HELLO_MP3)))
    await journal.rows.first().waitFor()
    const before = await statusOf(key)
    await journal.byTestId('import-input').setInputFiles({ name: 'notes.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('not audio at all '.repeat(100)) })
    await journal.byTestId('import-error').waitFor()
    assert.match((await journal.byTestId('import-error').textContent()) ?? '', /Not an audio file we can play/)
    assert.deepEqual(await statusOf(key), before)
    // The refused upload's 415 is the only thing Chromium may log.
    assert.deepEqual(errors.filter((e) => !/status of 415/.test(e)), [])
  })
})
