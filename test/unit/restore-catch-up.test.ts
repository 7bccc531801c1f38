import { strict as assert } from 'node:assert'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, it } from 'node:test'
import { VonageSimulator } from '@voice-journal/vonage-sim'
import { ApiError } from '#shared/api'
import type { EntryDto } from '#shared/dto'
import { readBackupFile, writeBackupFile } from '../../src/main/identity/backup-file'
import { CATCHING_UP_REASON } from '../../src/main/identity/catch-up'
import { readIdentity } from '../../src/main/identity/identity-reader'
import { restoreDataDir } from '../../src/main/identity/restore'
import { SealedFileError } from '../../src/main/identity/sealed-file'
import type { Journal } from '../../src/main/journal/journal'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { connect, LibraryPeer, type PeerLink } from '../helpers/library-peer'
import { RestoredApp } from '../helpers/restored-app'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'

// Losing the computer that writes a journal, and getting it back from a backup: peers in one
// process with real Corestores piped together (the Holepunch way). A writes a private journal,
// B seeds it, A is backed up, writes more, and is lost; the backup is restored into a fresh data
// directory (R). R must not write before it holds B's latest version: that would fork the
// journal's history.

const PASSPHRASE = 'my journal, my keys'
/** Argon2id's smallest work: what is tested here is restoring, not the file (backup-file.test.ts). */
const QUICK = { opslimit: 1, memlimit: 8 * 1024 * 1024 }

/** Hypercore's fork id: a fork (two histories of one core) raises it. */
const forkOf = (journal: Journal): number => (journal.drive.core as unknown as { fork: number }).fork
const paths = (entries: EntryDto[]): string[] => entries.map((entry) => entry.path).sort()

describe('restoring a writer from a backup while a peer holds a newer version', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function peer(): Promise<LibraryPeer> {
    const opened = await LibraryPeer.open({ firstJournal: 'private' })
    cleanups.push(() => opened.close())
    return opened
  }

  async function tempDir(): Promise<string> {
    const { dir, cleanup } = await makeTempDir('restore-')
    cleanups.push(cleanup)
    return dir
  }

  /**
   * A's private journal, seeded in full by B; backed up after two entries, then a third that
   * only B keeps once A's data directory is gone. Returns B, the backup and what B holds.
   */
  /** A's private journal with two entries, seeded in full by B over a pipe between them. */
  async function aSeededByB(): Promise<{ a: LibraryPeer; b: LibraryPeer; key: string; link: string; ab: PeerLink; bJournal: Journal }> {
    const a = await peer()
    const b = await peer()
    const key = a.active.id
    const link = a.library.item(key).link
    await a.active.addAudioFile(HELLO_MP3, { source: 'import' })
    await a.active.addAudioFile(HELLO_WAV, { source: 'import' })
    const ab = connect(a, b)
    await b.library.add(link)
    await b.library.setSeeding(key, 'seeding')
    const bJournal = b.library.journal(key)
    await waitFor(() => b.library.item(key).seeding.complete && bJournal.drive.version === a.active.drive.version, 'B holds all of A')
    return { a, b, key, link, ab, bJournal }
  }

  async function loseAfterBackup(): Promise<{ b: LibraryPeer; backupFile: string; key: string; link: string; bJournal: Journal; entries: string[] }> {
    const { a, b, key, link, ab, bJournal } = await aSeededByB()

    // Backed up while A runs, as the Settings button does.
    const backupFile = join(await tempDir(), 'a.vjbackup')
    await writeBackupFile(backupFile, await readIdentity(a.dir), PASSPHRASE, { limits: QUICK })

    await a.active.addAudioFile(HELLO_MP3, { source: 'record' })
    await waitFor(() => b.library.item(key).seeding.complete && bJournal.drive.version === a.active.drive.version, 'B holds A’s entry made after the backup')
    const entries = paths(await bJournal.listEntries())
    assert.equal(entries.length, 3)
    await ab.close()
    // A's computer is lost: its data directory goes with it.
    await a.close()
    await assert.rejects(stat(a.dir), { code: 'ENOENT' })
    return { b, backupFile, key, link, bJournal, entries }
  }

  async function restore(backupFile: string, options: { simulator?: VonageSimulator } = {}): Promise<RestoredApp> {
    const dir = join(await tempDir(), 'restored')
    await restoreDataDir(dir, await readBackupFile(backupFile, PASSPHRASE))
    const app = await RestoredApp.start(dir, options)
    cleanups.push(() => app.close())
    return app
  }

  it('keeps the restored journal read-only until it holds B’s version, then writes at the next one: B and a reader C see one history', async () => {
    const { b, backupFile, key, link, bJournal, entries } = await loseAfterBackup()
    const bVersion = bJournal.drive.version
    const r = await restore(backupFile)

    const journal = r.active
    assert.equal(journal.id, key, 'the same journal key')
    assert.equal(journal.writable, true)
    assert.equal(r.library.item(key).restoring, 'catching-up')
    // Writes are refused before it has caught up, with a message saying why.
    await assert.rejects(journal.addAudioFile(HELLO_MP3, { source: 'import' }), { message: CATCHING_UP_REASON })
    await assert.rejects(journal.renameEntry(entries[0]!, 'a title'), { message: CATCHING_UP_REASON })
    await assert.rejects(journal.deleteEntry(entries[0]!), { message: CATCHING_UP_REASON })
    assert.equal(journal.drive.version, 1, 'nothing was written')

    r.connect(b)
    await waitFor(() => journal.writeHold === null, 'the restored journal has caught up', 20_000)
    assert.equal(journal.drive.version, bVersion, 'it holds B’s version')
    assert.equal(r.library.item(key).restoring, null)
    assert.deepEqual(paths(await journal.listEntries()), entries)

    const added = await journal.addAudioFile(HELLO_WAV, { source: 'import' })
    assert.equal(journal.drive.version, bVersion + 1, 'the new entry is the next version')

    const c = await peer()
    connect(b, c)
    await c.library.add(link)
    const cJournal = c.library.journal(key)
    await waitFor(() => bJournal.drive.version === bVersion + 1 && cJournal.drive.version === bVersion + 1, 'B and C have the new version')
    for (const reader of [bJournal, cJournal]) {
      assert.deepEqual(paths(await reader.listEntries()), [...entries, added.path].sort())
      assert.equal(forkOf(reader), 0, 'no fork')
    }
    assert.equal(forkOf(journal), 0)
    const history = await cJournal.history()
    assert.deepEqual(history.items.map((item) => item.version), [bVersion + 1, bVersion, bVersion - 1, bVersion - 2])
  })

  it('holds a call that arrives while B is offline in the durable queue; once B is back it lands after B’s version', async () => {
    const { b, backupFile, key, bJournal, entries } = await loseAfterBackup()
    const bVersion = bJournal.drive.version
    const simulator = await VonageSimulator.start()
    cleanups.push(() => simulator.close())
    const r = await restore(backupFile, { simulator })
    const journal = r.active
    const webhooks = r.intake!.webhooks.localUrl!

    const call = simulator.placeCall({ answerUrl: `${webhooks}/answer`, eventUrl: `${webhooks}/event`, realtime: false })
    const result = await call.done
    assert.equal(result.status, 'completed')
    // Acknowledged and queued, not written: the journal is still at its restored length.
    await waitFor(() => r.intake!.service.status().downloads.length === 1, 'the recording is queued')
    assert.equal(journal.drive.version, 1)
    assert.equal(r.library.item(key).restoring, 'catching-up')
    assert.notEqual(r.intake!.service.status().downloads[0]!.state, 'failed')

    r.connect(b)
    await waitFor(() => r.intake!.service.status().downloads.length === 0, 'the queued call landed', 30_000)
    const landed = (await journal.listEntries()).filter((entry) => !entries.includes(entry.path))
    assert.equal(landed.length, 1)
    assert.equal(landed[0]!.source, 'record')
    assert.equal(journal.drive.version, bVersion + 1, 'the call is the version after B’s')
    await waitFor(() => bJournal.drive.version === bVersion + 1, 'B has the call')
    assert.deepEqual(paths(await bJournal.listEntries()), [...entries, landed[0]!.path].sort())
    assert.equal(forkOf(bJournal), 0)
  })

  it('with no peer reachable stays read-only; "this is the latest copy" is refused while it holds less than the backup', async () => {
    const { backupFile, key } = await loseAfterBackup()
    const r = await restore(backupFile)
    // The gate has looked for peers and found none; the hold stays.
    await assert.rejects(r.active.addAudioFile(HELLO_MP3, { source: 'import' }), { message: CATCHING_UP_REASON })
    await assert.rejects(r.gates.confirmLatestCopy(r.active), /does not hold the journal yet/)
    assert.equal(r.library.item(key).restoring, 'catching-up')
  })

  it('after "this is the latest copy" writes with no peer reachable, when it holds all the backup recorded', async () => {
    // A journal backed up before its first entry: this copy holds all the backup knows of it.
    const a = await peer()
    const backupFile = join(await tempDir(), 'a.vjbackup')
    await writeBackupFile(backupFile, await readIdentity(a.dir), PASSPHRASE, { limits: QUICK })
    await a.close()
    const r = await restore(backupFile)
    await assert.rejects(r.active.addAudioFile(HELLO_MP3, { source: 'import' }), { message: CATCHING_UP_REASON })
    await r.gates.confirmLatestCopy(r.active)
    assert.equal(r.library.item(r.active.id).restoring, null)
    await r.active.addAudioFile(HELLO_MP3, { source: 'import' })
    await assert.rejects(r.gates.confirmLatestCopy(r.active), /not catching up/)
    // The choice is kept: after a restart the journal writes at once.
    const dir = r.dir
    await r.close()
    const again = await RestoredApp.start(dir)
    cleanups.push(() => again.close())
    assert.equal(again.active.writeHold, null)
    assert.equal(again.library.item(again.active.id).restoring, null)
  })

  it('once caught up, writes on after its peer goes offline, and after a restart', async () => {
    const { b, backupFile, key, bJournal } = await loseAfterBackup()
    const r = await restore(backupFile)
    const rb: PeerLink = r.connect(b)
    await waitFor(() => r.active.writeHold === null, 'caught up from B', 20_000)
    await rb.close()
    await r.active.addAudioFile(HELLO_WAV, { source: 'import' })
    assert.equal(r.active.drive.version, bJournal.drive.version + 1)
    const dir = r.dir
    await r.close()
    const again = await RestoredApp.start(dir)
    cleanups.push(() => again.close())
    assert.equal(again.library.item(key).restoring, null)
    await again.active.addAudioFile(HELLO_MP3, { source: 'import' })
  })

  it('a backup made after the default journal was removed restores without it: its key is not made again at length 0 while B holds its entries, nor at the next start', async () => {
    const { a, b, key: oldKey, link, ab, bJournal } = await aSeededByB()
    const bVersion = bJournal.drive.version
    const entries = paths(await bJournal.listEntries())
    const work = await a.library.create('Work')
    await a.library.setActive(work.key)
    await a.library.remove(oldKey, true)
    const backupFile = join(await tempDir(), 'a.vjbackup')
    await writeBackupFile(backupFile, await readIdentity(a.dir), PASSPHRASE, { limits: QUICK })
    await ab.close()
    await a.close()

    const absent = (app: RestoredApp): void => {
      assert.deepEqual(app.library.items().map((item) => item.key), [work.key])
      assert.equal(app.library.find(oldKey), undefined)
      assert.throws(() => app.library.journal(oldKey), (error: unknown) => error instanceof ApiError && error.code === 'not-found')
    }
    const r = await restore(backupFile)
    absent(r)
    assert.equal(r.active.id, work.key)
    assert.equal(r.library.item(work.key).restoring, 'catching-up', 'what the backup has is held until it catches up, as before')
    const dir = r.dir
    await r.close()
    const again = await RestoredApp.start(dir)
    cleanups.push(() => again.close())
    absent(again)

    // Its link, added again, follows B's copy: read-only, B's entries, no fork anywhere.
    again.connect(b)
    await again.library.add(link)
    const copy = again.library.journal(oldKey)
    assert.equal(copy.writable, false)
    await waitFor(() => copy.drive.version === bVersion, 'the restored app has B’s version of the old journal')
    assert.deepEqual(paths(await copy.listEntries()), entries)
    assert.equal(bJournal.drive.version, bVersion)
    assert.equal(forkOf(bJournal), 0)
    assert.equal(forkOf(copy), 0)
  })

  it('a backup with no journal of its own restores with a new one, never the default journal’s old key', async () => {
    const a = await peer()
    const oldKey = a.active.id
    await a.active.addAudioFile(HELLO_MP3, { source: 'import' })
    const content = await readIdentity(a.dir)
    await a.close()
    const dir = join(await tempDir(), 'restored')
    await restoreDataDir(dir, { ...content, active: null, journals: content.journals.filter((journal) => journal.namespace === undefined) })
    const r = await RestoredApp.start(dir)
    cleanups.push(() => r.close())
    assert.notEqual(r.active.id, oldKey)
    assert.equal(r.active.writable, true)
    assert.equal(r.active.writeHold, null, 'a new key: no copy elsewhere to catch up with')
    assert.equal(r.library.find(oldKey), undefined)
    assert.equal(r.library.item(r.active.id).private, true)
  })

  it('refuses a wrong passphrase and a damaged file, writing nothing', async () => {
    const a = await peer()
    const file = join(await tempDir(), 'a.vjbackup')
    await writeBackupFile(file, await readIdentity(a.dir), PASSPHRASE, { limits: QUICK })
    const target = join(await tempDir(), 'restored')
    await assert.rejects(readBackupFile(file, 'not my passphrase'), (error: unknown) => error instanceof SealedFileError && error.problem === 'wrong-passphrase')
    const bytes = await readFile(file)
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01
    await writeFile(file, bytes)
    await assert.rejects(readBackupFile(file, PASSPHRASE), (error: unknown) => error instanceof SealedFileError && error.problem === 'damaged')
    await assert.rejects(stat(target), { code: 'ENOENT' })
    // Restoring into a directory with journals (A's) is refused and leaves it as it was.
    const content = await readIdentity(a.dir)
    const before = (await readdir(a.dir, { recursive: true })).sort()
    await assert.rejects(restoreDataDir(a.dir, content), /already has journals/)
    assert.deepEqual((await readdir(a.dir, { recursive: true })).sort(), before)
  })
})
