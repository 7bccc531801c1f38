import { EventEmitter } from 'node:events'
import { decode as decodeKey } from 'hypercore-id-encoding'
import { ApiError } from '#shared/api'
import type { JournalInfo, JournalStatus, LibraryItem, SeedingState } from '#shared/dto'
import { journalLink } from '#shared/journal-key'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import type { JournalStore } from '../journal/journal-store'
import type { JournalSwarm } from '../network/journal-swarm'
import { BlindHost, type HeldJournalKind } from './blind-host'
import type { JournalKeys } from './journal-keys'
import type { LibraryFile, LibraryRecord } from './library-file'
import type { OpenJournals } from './open-journals'
import { isDecodingError, readKeyOpens, readKeyOpensLocalCopy, WRONG_READ_KEY_IN_LINK, WRONG_READ_KEY_MESSAGE } from './read-key-check'

const log = logger('library')

/** What someone without a private journal's read key is told, wherever they try to read it. */
const PRIVATE_JOURNAL_MESSAGE =
  'This journal is private: you can keep it online for the people who have its link, not listen to it. Add its private link (…#encryptionKey=…) to listen.'

/** What the held journals need from the library. */
export interface HeldJournalsHost {
  /** Opens a journal in the library as the drive given (it became readable, so it is held no longer). */
  openReadable(record: LibraryRecord, journal: Journal): Promise<void>
  /** Something the window shows changed. */
  changed(): void
}

/**
 * The library's journals that cannot be read here, held at the core level (BlindHost) rather
 * than opened as a Hyperdrive: one added by key alone, until its first block tells whether it is
 * public (then it is opened to be read, and joins OpenJournals) or private (then it is hosted
 * blind); one whose read key turned out not to open it (the key is dropped, and it is held as if
 * added by key alone). A journal is held or open, never both but while it is handed over.
 */
export class HeldJournals {
  private readonly held = new Map<string, BlindHost>()
  /** Tells `whenSettled` that a held journal's kind became known. */
  private readonly settled = new EventEmitter<{ settled: [string] }>()
  private closed = false

  constructor(
    private readonly file: LibraryFile,
    private readonly journals: JournalStore,
    private readonly swarm: JournalSwarm,
    private readonly keys: JournalKeys,
    /** The library's readable journals, which a journal is handed to once readable, and taken from when its read key is wrong. */
    private readonly readable: OpenJournals,
    private readonly host: HeldJournalsHost
  ) {}

  has(key: string): boolean {
    return this.held.has(key)
  }

  /** The index core of a held journal, for the Network section (it is served all the same). */
  index(key: string): BlindHost['index'] | undefined {
    return this.held.get(key)?.index
  }

  /** Holds a journal at the core level: its first block tells whether it is public (then it is opened to be read) or private. */
  async open(record: LibraryRecord): Promise<void> {
    const host = await BlindHost.open(this.journals.corestore, decodeKey(record.key), record.seeding)
    this.held.set(record.key, host)
    this.swarm.join(host)
    const push = (): void => this.host.changed()
    host.on('progress', push)
    host.on('peers', push)
    host.on('change', push)
    host.on('kind', (kind) => void this.learnedKind(record.key, host, kind))
    if (host.kind !== 'unknown') await this.learnedKind(record.key, host, host.kind)
  }

  /**
   * Someone else's journal opened as a drive, with its read key if it has one. Null when that key
   * is found not to open it (its first block is here and does not decrypt): then the key is
   * dropped and the journal is held without it.
   */
  async openRemote(key: string, readKey: Buffer | null): Promise<Journal | null> {
    if (readKey && (await readKeyOpensLocalCopy(this.journals.corestore, decodeKey(key), readKey)) === false) {
      await this.holdWithoutWrongKey(key)
      return null
    }
    try {
      return await this.journals.openRemote(key, readKey)
    } catch (error) {
      // The same, should the first block have come in between.
      if (!readKey || !isDecodingError(error)) throw error
      await this.holdWithoutWrongKey(key)
      return null
    }
  }

  /** The private link of a journal hosted blind (or still unknown): from now on it is read. */
  async readWith(key: string, readKey: Buffer): Promise<void> {
    const host = this.held.get(key)!
    if ((await readKeyOpensLocalCopy(this.journals.corestore, decodeKey(key), readKey)) === false) throw new ApiError('bad-request', WRONG_READ_KEY_IN_LINK, 'link')
    await this.keys.set(key, readKey)
    try {
      await this.makeReadable(key, host)
    } catch (error) {
      if (!isDecodingError(error)) throw error
      // Its first block is here and the key does not decrypt it: refused, the journal stays held as it was.
      await this.keys.remove(key)
      throw new ApiError('bad-request', WRONG_READ_KEY_IN_LINK, 'link')
    }
  }

  /**
   * Checks a followed journal's read key once its first block is here. A key that does not open
   * it (mistyped, from another journal, or given for a public one) is dropped and the journal held
   * at the core level again, where its first block tells what it is: a private one is hosted blind
   * and says its link's key was wrong; a public one opens without the key.
   */
  checkReadKey(journal: Journal): void {
    const key = journal.id
    readKeyOpens(journal).then(
      async (opens) => {
        if (opens || this.closed || !this.readable.holds(journal)) return
        // The hold answers for the journal before the drive goes (they share the swarm topic), so
        // a request in between finds one or the other.
        await this.holdWithoutWrongKey(key)
        this.readable.drop(key)
        await this.journals.release(journal)
        this.host.changed()
      },
      // The journal closed (removed, or the app quit) before its first block came: nothing to check.
      (error: unknown) => log.debug({ err: error, journal: key }, 'read key not checked')
    ).catch((error: unknown) => log.error({ err: error, journal: key }, 'could not hold the journal without its wrong read key'))
  }

  /**
   * The journal `key` once it can be read: at once for one opened already; for one added by key
   * alone, once its first block has come from a peer and shown it is public. Refused for a
   * private journal held without its read key.
   */
  async whenReadable(key: string, timeoutMs: number): Promise<Journal> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      // Held and open at once only while a journal is handed from one to the other: the hold answers.
      if (!this.held.has(key)) {
        const journal = this.readable.get(key)?.journal
        if (journal) return journal
        throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
      }
      this.refuseUnreadable(key)
      if (!(await this.whenSettled(key, deadline))) {
        throw new ApiError('unavailable', 'This journal has not been found yet: none of its peers answered. Try again when one is online.', 'journal')
      }
    }
  }

  /** A held journal that cannot be read here says why: private without its read key, or added with one that does not open it. */
  refuseUnreadable(key: string): void {
    const record = this.record(key)
    if (record.wrongReadKey) throw new ApiError('private', WRONG_READ_KEY_MESSAGE, 'journal')
    if (record.kind === 'hosted') throw new ApiError('private', PRIVATE_JOURNAL_MESSAGE, 'journal')
  }

  async setSeeding(key: string, state: SeedingState): Promise<void> {
    this.held.get(key)!.setState(state)
    await this.file.update(key, { seeding: state })
    this.host.changed()
  }

  /** A held journal leaves the library. */
  async forget(key: string): Promise<void> {
    const host = this.held.get(key)!
    this.held.delete(key)
    host.removeAllListeners()
    await this.file.remove(key)
    await this.swarm.leave(host)
    // What was held for others goes from the disk; its other peers still hold it.
    await host.clearLocalCopy().catch((error: unknown) => log.error({ err: error, journal: key }, 'could not free the space of a removed journal'))
    await host.close()
    this.settled.emit('settled', key)
    this.host.changed()
  }

  item(record: LibraryRecord): LibraryItem {
    const host = this.held.get(record.key)!
    return {
      key: record.key,
      link: journalLink(record.key),
      private: record.kind === 'hosted',
      readable: false,
      name: record.name,
      kind: record.kind,
      writable: false,
      active: false,
      peers: host.peers,
      version: host.version,
      lookingForPeers: host.kind === 'unknown',
      seeding: host.progress(),
      heldElsewhere: null,
      provenance: null,
      addedAt: record.addedAt,
      collecting: [],
      ...(record.wrongReadKey ? { wrongReadKey: true } : {})
    }
  }

  /**
   * A held journal as the window reads it: its header and status, and no entries or history (a
   * private one cannot be read here; an unknown one has none yet). Null for any other journal.
   */
  view(key: string): { info: JournalInfo; status: JournalStatus } | null {
    const host = this.held.get(key)
    if (!host) return null
    const item = this.item(this.record(key))
    return {
      info: { key, link: item.link, private: item.private, writable: false, name: item.name, kind: item.kind, active: false, provenance: null },
      status: { key, peers: host.peers, version: host.version, updatedAt: null, size: 0, entries: 0 }
    }
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all([...this.held.values()].map((host) => host.close()))
    this.held.clear()
  }

  /** Drops a read key that does not open its journal and holds the journal at the core level, where its first block tells what it is. */
  private async holdWithoutWrongKey(key: string): Promise<void> {
    log.warn({ journal: key }, 'the read key this journal was added with does not open it: holding it without the key')
    await this.keys.remove(key)
    await this.file.update(key, { probing: true, wrongReadKey: true })
    await this.open(this.record(key))
    this.host.changed()
  }

  private async learnedKind(key: string, host: BlindHost, kind: HeldJournalKind): Promise<void> {
    if (this.closed || this.held.get(key) !== host) return
    try {
      if (kind === 'public') {
        await this.file.update(key, { probing: undefined })
        await this.makeReadable(key, host)
      } else if (kind === 'private') {
        // Hosting is what a private journal added by its key alone is for: every block, kept current.
        await this.file.update(key, { probing: undefined, kind: 'hosted', name: this.record(key).name.replace(/^Journal /, 'Private journal '), seeding: 'seeding' })
        host.setState('seeding')
        this.host.changed()
      }
    } catch (error) {
      log.error({ err: error, journal: key }, `cannot open the journal as ${kind}`)
    } finally {
      this.settled.emit('settled', key)
    }
  }

  /** Closes the core-level hold and opens the journal as a Hyperdrive (public, or with the read key now held). */
  private async makeReadable(key: string, host: BlindHost): Promise<void> {
    // The hold answers for the journal until the drive takes over in one step: a request in
    // between must find one or the other, never neither.
    const journal = await this.journals.openRemote(key, this.keys.get(key))
    await this.swarm.leave(host)
    const record = this.record(key)
    if (record.kind === 'hosted') await this.file.update(key, { kind: 'followed', name: record.name.replace(/^Private journal /, 'Journal ') })
    await this.file.update(key, { probing: undefined, wrongReadKey: undefined })
    this.held.delete(key)
    host.removeAllListeners()
    await this.host.openReadable(this.record(key), journal)
    await host.close()
    this.host.changed()
  }

  /** Waits until a held journal's kind is known or it leaves the library; false when `deadline` (ms since 1970) comes first. */
  private whenSettled(key: string, deadline: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = Number.isFinite(deadline) ? setTimeout(() => done(false), Math.max(0, deadline - Date.now())) : undefined
      const onSettled = (which: string): void => {
        if (which === key) done(true)
      }
      const done = (value: boolean): void => {
        clearTimeout(timer)
        this.settled.off('settled', onSettled)
        resolve(value)
      }
      this.settled.on('settled', onSettled)
    })
  }

  private record(key: string): LibraryRecord {
    const record = this.file.find(key)
    if (!record) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
    return record
  }
}
