import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright'
import { filesize } from 'filesize'
import type { EntryDto, JournalStatus } from '#shared/dto'
import { recordPageErrors } from '../helpers/browser'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import type { HeadlessApp } from '../helpers/headless-process'
import { waitFor } from '../helpers/wait-for'
import { JournalPage } from './pages/journal-page'
import { openWindowSession, type WindowSession } from './pages/window-session'

// The real renderer in Debian's Chromium against the built headless host.
describe('the journal window in Chromium', () => {
  let session: WindowSession
  let app: HeadlessApp
  let browser: Browser
  let page: Page
  let journal: JournalPage
  let errors: string[]
  let entries: EntryDto[]

  before(async () => {
    session = await openWindowSession()
    ;({ app, browser, page, journal, errors } = session)
  })

  after(() => session?.close())

  it('shows the journal key, its link and real status values on an empty journal', async () => {
    await journal.byTestId('empty-entries').waitFor()
    assert.equal((await journal.byTestId('journal-key').textContent())?.trim(), app.info.key)
    assert.match((await journal.byTestId('journal-link').textContent()) ?? '', new RegExp(`hyper://${app.info.key}/`))
    assert.equal(await journal.statusValue('peers').textContent(), '0')
    assert.equal(await journal.statusValue('version').textContent(), '1')
    assert.match((await journal.statusValue('updated').textContent()) ?? '', /never/i)
    assert.equal(await journal.statusValue('size').textContent(), filesize(0, { round: 1 }))
    assert.ok(!page.url().includes('token='), 'the token is taken out of the address bar')
  })

  it('adds an MP3 and a WAV through the file picker; they appear without a reload', async () => {
    await journal.addFiles([HELLO_MP3, HELLO_WAV])
    await waitFor(async () => (await journal.rows.count()) === 2, 'two rows are listed', 15_000)
    entries = await app.call<EntryDto[]>('listEntries')
    const status = await app.call<JournalStatus>('getStatus')
    await waitFor(async () => (await journal.statusValue('version').textContent()) === String(status.version), 'version box updates')
    assert.equal(status.version, 3)
    assert.equal(await journal.statusValue('size').textContent(), filesize(status.size, { round: 1 }))
    assert.match((await journal.statusValue('updated').textContent()) ?? '', /seconds? ago|just now/i)
    const rowPaths = await journal.rows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-path')))
    assert.deepEqual(rowPaths, entries.map((e) => e.path), 'rows are newest first, as the service lists them')
    const mp3 = entries.find((e) => e.format === 'mp3')!
    assert.equal(await journal.row(mp3.path).getByTestId('entry-duration').textContent(), '0:05')
    assert.equal(await journal.row(mp3.path).getByTestId('entry-size').textContent(), filesize(mp3.size, { round: 1 }))
  })

  it('plays an entry through ranged responses and seeks in it', async () => {
    const wav = entries.find((e) => e.format === 'wav')!
    const response = await journal.play(wav.path)
    assert.equal(response.status(), 206)
    assert.match((await response.headerValue('content-range')) ?? '', new RegExp(`^bytes 0-\\d+/${wav.size}$`))
    await waitFor(async () => (await journal.audioTime()) > 0.2, 'playback advances', 10_000)
    await journal.seekTo(4)
    await waitFor(async () => (await journal.audioTime()) >= 4, 'the seek lands at 4 s', 10_000)
  })

  it('is usable from the keyboard: select with arrows, rename with F2', async () => {
    const list = journal.byTestId('entry-list')
    await list.focus()
    // Playing selected the WAV (the newest); End then ArrowUp walks back to it.
    await page.keyboard.press('End')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('F2')
    const input = journal.byTestId('rename-input')
    await input.fill('Harbour walk')
    await input.press('Enter')
    const newest = entries[0]!
    await waitFor(async () => (await journal.row(newest.path).getByTestId('entry-title').textContent())?.trim() === 'Harbour walk', 'title shows')
    // The window shows the new title at once; the journal has it once the rename is written.
    await waitFor(async () => (await app.call<EntryDto[]>('listEntries')).find((e) => e.path === newest.path)?.title === 'Harbour walk', 'the journal has the title')
  })

  it('deletes an entry after confirmation; the history shows a del row', async () => {
    const mp3 = entries.find((e) => e.format === 'mp3')!
    await journal.row(mp3.path).getByTestId('entry-delete').click()
    await journal.byTestId('confirm-delete').click()
    await waitFor(async () => (await journal.row(mp3.path).count()) === 0, 'the row goes away')
    const del = journal.historyRows('del')
    await del.first().waitFor()
    const status = await app.call<JournalStatus>('getStatus')
    assert.equal(await del.first().getAttribute('data-version'), String(status.version))
    assert.equal(await journal.historyRows('put').count(), 3, 'two additions and a rename stay in the history')
  })

  it('logged no console errors', () => {
    assert.deepEqual(errors, [])
  })

  it('the page API refuses requests without the token', async () => {
    const status = await page.evaluate(async () => (await fetch('/api/getStatus', { method: 'POST' })).status)
    assert.equal(status, 401)
  })

  it('explains a file that is not audio, and the journal stays unchanged', async () => {
    const other = await browser.newPage()
    const otherErrors = recordPageErrors(other)
    const window = new JournalPage(other)
    await other.goto(app.info.uiUrl)
    await window.rows.first().waitFor()
    const before = await app.call<JournalStatus>('getStatus')
    await window.byTestId('import-input').setInputFiles({ name: 'notes.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('not audio at all '.repeat(100)) })
    await window.byTestId('import-error').waitFor()
    assert.match((await window.byTestId('import-error').textContent()) ?? '', /Not an audio file we can play/)
    assert.deepEqual(await app.call<JournalStatus>('getStatus'), before)
    // The refused upload's 415 is the only thing Chromium may log.
    assert.deepEqual(otherErrors.filter((e) => !/status of 415/.test(e)), [])
    await other.close()
  })
})
