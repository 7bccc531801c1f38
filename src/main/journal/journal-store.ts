import { join } from 'node:path'
import Corestore from 'corestore'
import CoreStorage from 'hypercore-storage'
import Hyperdrive from 'hyperdrive'
import { decode as decodeKey, encode as encodeKey } from 'hypercore-id-encoding'
import { ChangeClock } from './change-clock'
import { Journal } from './journal'
import { EntryListFiles } from './entry-list-file'
import { logger } from '../app/logging'

const log = logger('journal-store')

/**
 * RocksDB keeps writes in memtables of this size (two at most: one filling, one being flushed)
 * before they go to disk. Its default, 64 MiB, means up to 128 MiB of resident memory once
 * enough audio has gone in (a 14-minute call is 27 MB; a thousand calls ending together are
 * 1.9 GB). Measured on a bare Corestore taking 27 MB of 64 KiB blocks, with one malloc arena (as
 * the headless host runs, see scripts/headless-runtime.mjs): +8 MB resident at 2 MiB, +13 MB at
 * 4 MiB, +25 MB at 16 MiB. Each flush moves the audio into a new blob file, so smaller memtables
 * make more files (a 10 GB journal about 2,500 before blob garbage collection merges them; Node
 * raises the open-file limit to the hard limit at start). Replication speed measured the same at
 * 4, 16 and 64 MiB (`npm run bench:replication`, within this machine's ±15%).
 */
const MEMTABLE_BYTES = 4 * 1024 * 1024

/**
 * The Corestore under the data directory and every journal opened from it, one instance per key.
 * Own journals live in a named namespace, so the same name reopens the same key after a restart.
 *
 * Every drive it opens has `extension: false`: Hyperbee's cache-warming extension would send each
 * path a read waits for, in plain text, to every connected peer (a host without a private
 * journal's key included). Checkouts of a drive inherit the setting.
 */
export class JournalStore {
  private readonly journals = new Map<string, Journal>()
  /** Own journals by namespace: a second drive on an open namespace would never become ready. */
  private readonly own = new Map<string, Journal>()

  private constructor(
    private readonly store: Corestore,
    private readonly clock: ChangeClock,
    /** My own journals' entry lists, kept between runs (`entry-lists/`). */
    private readonly lists: EntryListFiles
  ) {}

  static async open(dataDir: string): Promise<JournalStore> {
    const store = new Corestore(new CoreStorage(join(dataDir, 'corestore'), { writeBufferSize: MEMTABLE_BYTES }))
    await store.ready()
    return new JournalStore(store, await ChangeClock.load(join(dataDir, 'change-times.json')), new EntryListFiles(join(dataDir, 'entry-lists')))
  }

  get corestore(): Corestore {
    return this.store
  }

  /**
   * The user's own journal in namespace `name`, created on first use; the same name reopens the
   * same key. A private journal's `encryptionKey` must be given at every open (Hypercore does not
   * keep it); a private journal opened without it fails rather than writing in the clear.
   */
  async openOwn(name = 'default', encryptionKey: Buffer | null = null): Promise<Journal> {
    const open = this.own.get(name)
    if (open && this.journals.get(open.id) === open) return open
    const journal = await this.track(new Hyperdrive(this.store.namespace(`own-journal/${name}`), { extension: false, encryptionKey }))
    this.own.set(name, journal)
    return journal
  }

  /**
   * What namespace `name`'s own journal already is, without opening it as a drive (which needs
   * to know whether it is encrypted): its key and how many index blocks it holds here.
   */
  async peekOwn(name: string): Promise<{ id: string; length: number }> {
    const open = this.own.get(name)
    if (open) return { id: open.id, length: open.drive.core.length }
    // The core Hyperdrive keeps its index in, by the same name, so the same key.
    const core = this.store.namespace(`own-journal/${name}`).get({ name: 'db' })
    await core.ready()
    const found = { id: encodeKey(core.key), length: core.length }
    await core.close()
    return found
  }

  /** Closes one journal (it leaves the library); the store and the other journals stay open. */
  async release(journal: Journal): Promise<void> {
    if (this.journals.get(journal.id) !== journal) return
    this.journals.delete(journal.id)
    for (const [name, own] of this.own) if (own === journal) this.own.delete(name)
    await journal.close()
  }

  /** Deletes what was kept of a journal that left the library (its entry list); call once it is released. */
  forgetKept(journalId: string): Promise<void> {
    return this.lists.remove(journalId)
  }

  /**
   * Someone else's journal by key (z-base-32, hex or raw bytes); read-only unless it is ours. A
   * private one needs its read key (`encryptionKey`); without it, see BlindHost.
   */
  async openRemote(key: string | Buffer, encryptionKey: Buffer | null = null): Promise<Journal> {
    const keyBytes = decodeKey(key)
    return this.track(new Hyperdrive(this.store.session(), keyBytes, { extension: false, encryptionKey }))
  }

  async close(): Promise<void> {
    // Drives first (each closes its own session), then the store they share.
    await Promise.all([...this.journals.values()].map((journal) => journal.close()))
    this.journals.clear()
    this.own.clear()
    await this.store.close()
  }

  private async track(drive: Hyperdrive): Promise<Journal> {
    try {
      await drive.ready()
    } catch (error) {
      // E.g. a read key that does not decrypt a first block held here: the caller decides; the session goes.
      await drive.close().catch((closing: unknown) => log.debug({ err: closing }, 'closing a drive that did not open'))
      throw error
    }
    const existing = this.journals.get(drive.id)
    if (existing) {
      await drive.close()
      return existing
    }
    const journal = new Journal(drive, this.clock, this.lists)
    this.journals.set(journal.id, journal)
    return journal
  }
}
