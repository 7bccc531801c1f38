import { strict as assert } from 'node:assert'
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { VonageSimulator } from '@voice-journal/vonage-sim'
import type { EntryDto, HistoryItem, HistoryPage, JournalStatus, LibraryItem } from '#shared/dto'
import type { IntakeStatus } from '#shared/intake'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import type { HeadlessApp } from '../helpers/headless-process'
import { runIdentityCli } from '../helpers/identity-cli'
import { waitFor } from '../helpers/wait-for'
import { testnetPeers, type TestnetPeer } from './pages/testnet-peers'

const PEER_WAIT_MS = 60_000
const PASSPHRASE = 'restored on a testnet'

// Losing the computer that writes a journal and getting it back from a backup, as separate
// people's apps on a loopback testnet: A writes a private journal, B seeds it with its link
// (`--seed <link>`); A is backed up (`npm run backup`), writes once more and its data directory is
// lost; the backup goes into a new one (`npm run restore`) and R, the restored app, starts there
// with a simulated Vonage account. R must not write before it holds B's version: that would fork
// the journal, and B would refuse what R writes. (test/unit/restore-catch-up.test.ts is the same
// in one process over piped Corestores.)
describe('a journal restored from a backup on a testnet, while a seeder holds a newer version', () => {
  const { startPeer, tempDir, openWindow, onCleanup } = testnetPeers()
  type Peer = TestnetPeer

  const itemOn = async (app: HeadlessApp, key: string): Promise<LibraryItem | undefined> => (await app.call<LibraryItem[]>('listLibrary')).find((item) => item.key === key)
  const versionOf = async (app: HeadlessApp, key: string): Promise<number> => (await app.call<JournalStatus>('getStatus', { journal: key })).version
  const entriesOf = (app: HeadlessApp, key: string): Promise<EntryDto[]> => app.call<EntryDto[]>('listEntries', { journal: key })
  const pathsOf = async (app: HeadlessApp, key: string): Promise<string[]> => (await entriesOf(app, key)).map((entry) => entry.path).sort()
  const historyOf = async (app: HeadlessApp, key: string): Promise<HistoryItem[]> => (await app.call<HistoryPage>('getHistory', { journal: key, limit: 1000 })).items

  /** Until `peer` holds every block of the journal at `version`. */
  const holds = (peer: Peer, key: string, version: number, what: string): Promise<void> =>
    waitFor(
      async () => {
        const item = await itemOn(peer.app, key)
        return item?.version === version && item.seeding.complete
      },
      what,
      PEER_WAIT_MS
    )

  interface Lost {
    b: Peer
    key: string
    link: string
    /** The data directory `npm run restore` brought the backup back into. */
    restoredDir: string
    /** The version B holds: one entry more than the backup knew of. */
    bVersion: number
    bHistory: HistoryItem[]
    entries: string[]
  }

  /**
   * A's private journal with two entries, seeded in full by B; backed up by the CLI while A runs;
   * a third entry that B holds; the backup restored by the CLI into a new data directory; then A
   * is lost with its data directory. Nothing has started on the restored directory yet.
   */
  async function loseAfterBackup(): Promise<Lost> {
    const a = await startPeer()
    const { key, link } = a.app.info
    assert.equal(a.app.info.private, true, "a new data directory's first journal is private")
    assert.match(link, /#encryptionKey=/)
    await a.app.importFile(HELLO_MP3)
    await a.app.importFile(HELLO_WAV)

    // The backup is made while A runs and B starts (it reads only A's keys, not B or the audio).
    const backupFile = join(await tempDir('restore-testnet-'), 'a.vjbackup')
    const [b, backup] = await Promise.all([startPeer(['--seed', link]), runIdentityCli('backup', ['--data', a.dir, '--out', backupFile], PASSPHRASE)])
    assert.equal(backup.code, 0, backup.stderr)
    assert.match(backup.stdout, /Backed up 1 journal of your own \(My journal\)/)
    await holds(b, key, await versionOf(a.app, key), 'B holds both entries')

    // A writes once more and B holds it; meanwhile the backup is restored into a new data
    // directory (the command writes only there, and nothing runs on it until A is gone).
    const restoredDir = join(await tempDir('restore-testnet-'), 'restored')
    const [restore, bVersion] = await Promise.all([
      runIdentityCli('restore', ['--data', restoredDir, '--from', backupFile], PASSPHRASE),
      (async () => {
        await a.app.importFile(HELLO_MP3)
        const version = await versionOf(a.app, key)
        await holds(b, key, version, 'B holds the entry A made after the backup')
        return version
      })()
    ])
    assert.equal(restore.code, 0, restore.stderr)
    assert.match(restore.stdout, /Restored 1 journal\(s\) of your own \(My journal\)/)
    assert.match(restore.stdout, /read-only until they have caught up/)

    // A's computer is lost, and its data directory with it.
    await a.stop()
    await rm(a.dir, { recursive: true, force: true })
    await assert.rejects(stat(a.dir), { code: 'ENOENT' })

    const entries = await pathsOf(b.app, key)
    assert.equal(entries.length, 3)
    const bHistory = await historyOf(b.app, key)
    assert.deepEqual(
      bHistory.map((item) => [item.version, item.change]),
      [bVersion, bVersion - 1, bVersion - 2].map((version) => [version, 'added'])
    )
    return { b, key, link, restoredDir, bVersion, bHistory, entries }
  }

  /** R: the app started on the restored data directory, with a simulated Vonage account taking calls in record mode. */
  async function startRestored(lost: Lost): Promise<{ r: Peer; simulator: VonageSimulator }> {
    const simulator = await VonageSimulator.start()
    onCleanup(() => simulator.close())
    const r = await startPeer([], { dir: lost.restoredDir, env: { ...simulator.appEnvironment(), JOURNAL_MODE: 'record' } })
    assert.deepEqual([r.app.info.key, r.app.info.private], [lost.key, true], 'the same private journal')
    // No greeting: what is tested is where the recording lands, not the call's first seconds.
    await r.app.call('saveSettings', { greeting: '' })
    return { r, simulator }
  }

  /** A call from the simulator to R's webhooks, as Vonage would place it; resolves once it has hung up. */
  async function call(simulator: VonageSimulator, r: Peer): Promise<void> {
    const webhooks = r.app.info.localWebhookUrl
    const result = await simulator.placeCall({ answerUrl: `${webhooks}/answer`, eventUrl: `${webhooks}/event`, realtime: false }).done
    assert.equal(result.status, 'completed', result.error)
    assert.equal(result.recordings.length, 1)
  }

  /** The one entry of R's journal that was not in B's copy: the call. */
  async function landedCall(r: Peer, lost: Lost): Promise<EntryDto> {
    const landed = (await entriesOf(r.app, lost.key)).filter((entry) => !lost.entries.includes(entry.path))
    assert.equal(landed.length, 1)
    assert.equal(landed[0]!.source, 'record')
    return landed[0]!
  }

  /** Every reader's history: B's three entries as they were, and the call on top, at the next version. */
  function assertOneHistory(history: HistoryItem[], lost: Lost, call: EntryDto, who: string): void {
    assert.deepEqual(history, [{ version: lost.bVersion + 1, type: 'put', change: 'added', path: call.path }, ...lost.bHistory], `${who}: one linear history`)
  }

  it('B online: the window says "catching up" and refuses an import until R holds B’s version; a call then lands at the next version, and B and a reader C take it', async () => {
    const lost = await loseAfterBackup()
    const { b, key, link, bVersion, entries } = lost

    // On loopback R reaches B within a second of starting, before any window could open. So B is
    // frozen (SIGSTOP) while R starts and its window is looked at: still announced on the DHT,
    // holding the newer version, just not answering yet, like a peer on a slow link.
    b.app.process.kill('SIGSTOP')
    let frozen = true
    const thaw = (): void => {
      if (frozen) b.app.process.kill('SIGCONT')
      frozen = false
    }
    onCleanup(async () => thaw())
    // C, a reader with the link, starts meanwhile; it looks for the journal only later.
    const [{ r, simulator }, c] = await Promise.all([startRestored(lost), startPeer()])
    const window = await openWindow(r.app)
    await window.journal.waitShown(key)
    const banner = window.page.getByTestId('catching-up')
    await banner.waitFor()
    assert.match((await banner.textContent()) ?? '', /Catching up with peers… writes wait until then/)
    await window.journal.addFiles([HELLO_MP3])
    const refused = window.page.getByTestId('import-error')
    await refused.waitFor()
    assert.match((await refused.textContent()) ?? '', /restored from a backup and is catching up/)
    assert.equal(await versionOf(r.app, key), 1, 'nothing was written')
    assert.equal((await itemOn(r.app, key))?.restoring, 'catching-up')

    thaw()
    await banner.waitFor({ state: 'detached', timeout: PEER_WAIT_MS })
    assert.equal((await itemOn(r.app, key))?.restoring, null)
    assert.equal(await versionOf(r.app, key), bVersion, 'R holds B’s version')
    assert.deepEqual(await pathsOf(r.app, key), entries)

    // A call now lands at once, at the version after B's.
    await call(simulator, r)
    await waitFor(async () => (await entriesOf(r.app, key)).length === entries.length + 1, 'the call is an entry', PEER_WAIT_MS)
    const landed = await landedCall(r, lost)
    assert.equal(await versionOf(r.app, key), bVersion + 1, 'the call is the version after B’s')
    await window.journal.row(landed.path).waitFor()

    await c.app.call('addToLibrary', { link })
    for (const [name, peer] of [
      ['B', b],
      ['C', c]
    ] as const) {
      await waitFor(async () => (await versionOf(peer.app, key)) === bVersion + 1, `${name} has the call's version`, PEER_WAIT_MS)
      assert.deepEqual(await pathsOf(peer.app, key), [...entries, landed.path].sort(), `${name} lists the same entries`)
      assertOneHistory(await historyOf(peer.app, key), lost, landed, name)
    }
    assertOneHistory(await historyOf(r.app, key), lost, landed, 'R')
    // B accepted R's version into the history it held (a fork would have it refuse R's blocks), and
    // holds all of it: "held by" counts only peers on the same fork as R's copy.
    await holds(b, key, bVersion + 1, 'B holds the call')
    const held = window.journal.byTestId('held-elsewhere')
    await waitFor(async () => Number(await held.getAttribute('data-peers')) >= 1, 'R’s window counts B as holding the new version', PEER_WAIT_MS)
    assert.match((await held.textContent()) ?? '', /Safe on \d other device/)
    // The refused import is answered 403 (read-only), which Chromium logs as a failed resource.
    assert.deepEqual(window.errors.filter((error) => !/status of 403/.test(error)), [], "no other console errors in R's window")
  })

  it('B offline: a call to R waits in the queue; B comes back and the call lands after B’s version', async () => {
    const lost = await loseAfterBackup()
    const { b, key, bVersion, entries } = lost
    await b.stop()

    const { r, simulator } = await startRestored(lost)
    const window = await openWindow(r.app)
    await window.journal.waitShown(key)
    const banner = window.page.getByTestId('catching-up')
    await banner.waitFor()
    assert.match((await banner.textContent()) ?? '', /Catching up with peers… writes wait until then.*No peer is connected yet/s)

    await call(simulator, r)
    // Downloaded and held back, not failed: the journal stays at its restored version.
    await waitFor(() => simulator.downloads.some((download) => download.status === 200), 'R downloads the recording', PEER_WAIT_MS)
    const waiting = await r.app.call<IntakeStatus>('getIntakeStatus')
    assert.deepEqual(
      waiting.downloads.map(({ state, attempts, lastError }) => ({ state, attempts, lastError })),
      [{ state: 'downloading', attempts: 1, lastError: undefined }]
    )
    assert.equal(await versionOf(r.app, key), 1, 'nothing was written')
    assert.deepEqual(await entriesOf(r.app, key), [])
    assert.equal((await itemOn(r.app, key))?.restoring, 'catching-up')

    // B comes back on its own data directory, still seeding the journal.
    await b.start()
    await banner.waitFor({ state: 'detached', timeout: PEER_WAIT_MS })
    await waitFor(async () => (await r.app.call<IntakeStatus>('getIntakeStatus')).downloads.length === 0, 'the waiting call lands', PEER_WAIT_MS)
    const landed = await landedCall(r, lost)
    assert.equal(await versionOf(r.app, key), bVersion + 1, 'the call is the version after B’s')
    assert.equal(simulator.downloads.length, 1, 'downloaded once')
    await window.journal.row(landed.path).waitFor()

    await holds(b, key, bVersion + 1, 'B holds the call')
    assert.deepEqual(await pathsOf(b.app, key), [...entries, landed.path].sort())
    assertOneHistory(await historyOf(b.app, key), lost, landed, 'B')
    assert.deepEqual(window.errors, [], "no console errors in R's window")
  })
})
