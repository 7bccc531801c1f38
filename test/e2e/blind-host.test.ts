import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright'
import type { LibraryItem } from '#shared/dto'
import { launchChromium } from '../helpers/browser'
import { filesUnder, holdsPathOrAudio } from '../helpers/disk-search'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { openPeerWindow, type WindowSession } from './pages/window-session'

const PEER_WAIT_MS = 60_000

// Separate processes on a loopback testnet, as separate people's apps: A writes a private journal;
// H, an always-on host, is given its public key alone (`--seed KEY`); C has A's private link; D has
// the key alone. The windows are the real renderer in Chromium.
describe('a blind host keeps a private journal online without being able to listen', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let browser: Browser
  const cleanups: Array<() => Promise<void>> = []

  before(async () => {
    network = await startTestnet()
    browser = await launchChromium()
  })
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
    await browser?.close()
    await network?.testnet.destroy()
  })

  async function startPeer(args: string[] = []): Promise<HeadlessApp> {
    const dir = await makeTempDir()
    const app = await startHeadless(dir.dir, ['--bootstrap', network.bootstrap, ...args])
    const stopApp = app.stop.bind(app)
    let stopped: Promise<void> | null = null
    // Stopped by the test (A goes offline) or at the end, whichever comes first; once.
    const stop = (): Promise<void> => (stopped ??= stopApp().then(() => dir.cleanup()))
    cleanups.push(stop)
    return { ...app, stop: async () => (await stop(), null) }
  }

  async function openWindow(args: string[]): Promise<WindowSession> {
    const session = await openPeerWindow(network.bootstrap, { args, browser })
    cleanups.push(session.close)
    return session
  }

  const itemOn = async (app: HeadlessApp, key: string): Promise<LibraryItem | undefined> =>
    (await app.call<LibraryItem[]>('listLibrary')).find((item) => item.key === key)

  it('H holds every block with neither paths nor audio on its disk and shows a blind host; with A gone, C plays everything from H; D is told it is private', async () => {
    const a = await startPeer()
    assert.equal(a.info.private, true, "a new data directory's journal is private")
    const written = [await a.importFile(HELLO_MP3), await a.importFile(HELLO_WAV)]
    const original = [await readFile(HELLO_MP3), await readFile(HELLO_WAV)]

    // H: `npm run serve -- --seed <public key>`.
    const h = await openWindow(['--seed', a.info.key])
    await waitFor(async () => (await itemOn(h.app, a.info.key))?.kind === 'hosted', 'H learns the journal is private', PEER_WAIT_MS)
    await waitFor(async () => (await itemOn(h.app, a.info.key))?.seeding.complete === true, 'H holds every block of both cores', PEER_WAIT_MS)
    const held = await filesUnder(h.app.info.dataDir)
    written.forEach((entry, i) => assert.equal(holdsPathOrAudio(held, entry.path, original[i]!), false, `${entry.path}: not on H's disk`))
    await h.journal.selectJournal(a.info.key)
    const notice = h.page.getByTestId('hosted-journal')
    await notice.waitFor()
    assert.match((await notice.textContent()) ?? '', /Hosting a private journal — you can keep it online, not listen/)
    assert.match((await h.page.getByTestId('hosted-held').textContent()) ?? '', /^All /)
    assert.equal(await h.page.getByTestId('entry-list').count(), 0, 'no entries panel')
    assert.equal(await h.page.getByTestId('history-list').count(), 0, 'no history')
    assert.deepEqual(h.errors, [], "no console errors in H's window")

    // A goes offline; C reaches the journal through H alone, with the private link.
    await a.stop()
    const c = await startPeer()
    await c.call('addToLibrary', { link: a.info.link })
    await waitFor(async () => (await c.call<unknown[]>('listEntries', { journal: a.info.key })).length === 2, 'C lists both entries from H', PEER_WAIT_MS)
    for (const [i, entry] of written.entries()) assert.deepEqual(await c.audio(entry.path, undefined, a.info.key), original[i], entry.path)

    // D has the public key alone: told it is private, and shown nothing of it.
    const d = await openWindow([])
    await d.journal.addJournal(a.info.key)
    await d.journal.waitShown(a.info.key)
    await d.page.getByTestId('hosted-journal').waitFor({ timeout: PEER_WAIT_MS })
    assert.equal(await d.page.getByTestId('entry-row').count(), 0)
    const refused = await d.app.call<LibraryItem>('getJournal', { journal: a.info.key })
    assert.deepEqual([refused.kind, refused.private], ['hosted', true])
    const play = await fetch(`${d.app.origin}/audio/${a.info.key}${written[0]!.path}?token=${d.app.token}`)
    assert.equal(play.status, 404, 'D has no audio to serve')

    // D then pastes a link whose read key is not the journal's: refused at the field, the
    // journal stays hosted and unreadable.
    await d.journal.addJournal(`hyper://${a.info.key}/#encryptionKey=${'y'.repeat(52)}`)
    assert.match((await d.page.getByTestId('library-add-error').textContent()) ?? '', /The read key in this link does not open this journal/)
    await d.page.getByTestId('hosted-journal').waitFor()
    assert.equal(await d.page.getByTestId('entry-row').count(), 0)
    assert.equal((await d.app.call<LibraryItem>('getJournal', { journal: a.info.key })).kind, 'hosted')
    // The refused link's 400 is the one error Chromium logs.
    assert.deepEqual(d.errors.filter((error) => !/status of 400/.test(error)), [], "no other console errors in D's window")
  })
})
