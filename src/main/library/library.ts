import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import { ApiError } from '#shared/api'
import type { JournalInfo, JournalStatus, LibraryItem, SeedingState } from '#shared/dto'
import { KEY_HELP, parseJournalLink } from '#shared/journal-key'
import type { EntriesAdded } from '../app/app-events'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import type { JournalStore } from '../journal/journal-store'
import type { JournalSwarm } from '../network/journal-swarm'
import type { NetworkMember } from '../network/network-status'
import { CollectLedger } from './collect-ledger'
import { Collections } from './collections'
import { EntryAnnouncer } from './entry-announcer'
import { EventPacer } from './event-pacer'
import { JournalKeys } from './journal-keys'
import { decodeReadKey, journalKeyOf } from './journal-ref'
import { cleanName, ForkRunner } from './fork-runner'
import { HeldJournals } from './held-journals'
import { LibraryFile, type LibraryRecord } from './library-file'
import { OpenJournals } from './open-journals'
import { ensureOwnJournal, openNewOwn } from './own-journals'
import { ProvenanceCache } from './provenance-cache'

const log = logger('library')

interface LibraryEvents {
  library: [LibraryItem[]]
  status: [JournalStatus]
  blocks: [{ journal: string }]
  'entries-added': [EntriesAdded]
}

/** The list of journals is pushed to the window at most this often (a sync changes it many times a second). */
const LIBRARY_PUSH_DELAY_MS = 300

/** How long a fork of a journal just added by key (or collecting from it) waits for its first peer. */
const FIND_FOR_FORK_MS = 30_000

/**
 * The user's journals: their own (one of them active: calls and imports go there), the ones they
 * follow and their forks. Every journal in it is open, joined to the swarm and served; the
 * library's saved state (library.json, LibraryFile) survives restarts, and followed journals
 * rejoin and resume seeding. This file is the registry: which journals, by key, and whether each
 * is open to be read (OpenJournals) or held without being readable (HeldJournals). What runs for
 * them (seeding, announcing, provenance, forks, collecting) each has its own file beside it.
 */
export class Library extends EventEmitter<LibraryEvents> {
  private readonly open: OpenJournals
  /** Journals in the library that cannot be read here: added by key alone and not yet known, private without their read key, or with a wrong one. */
  private readonly held: HeldJournals
  private readonly pacer = new EventPacer()
  private readonly provenance: ProvenanceCache
  private readonly forks: ForkRunner
  private readonly collections: Collections
  private closed = false

  private constructor(
    private readonly file: LibraryFile,
    private readonly journals: JournalStore,
    private readonly swarm: JournalSwarm,
    private readonly keys: JournalKeys,
    ledger: CollectLedger,
    dataDir: string,
    /** What else goes when a journal leaves the library (its search index file, its entry list). */
    private readonly forgotten: (key: string) => Promise<void> = async () => {}
  ) {
    super()
    const announcer = new EntryAnnouncer(this.pacer, (key) => this.file.find(key)?.name ?? null, (added) => this.emit('entries-added', added))
    this.open = new OpenJournals(swarm, this.pacer, announcer, {
      status: (status) => this.emit('status', status),
      blocks: (key) => this.emit('blocks', { journal: key }),
      changed: () => this.pushLibrary()
    })
    this.held = new HeldJournals(file, journals, swarm, keys, this.open, {
      openReadable: (record, journal) => this.openRecord(record, journal),
      changed: () => this.pushLibrary()
    })
    this.collections = new Collections(ledger, dataDir, {
      find: (key) => this.find(key),
      nameOf: (key) => this.file.find(key)?.name ?? `Journal ${key.slice(0, 8)}`,
      changed: () => this.pushLibrary(),
      lists: (key) => this.file.find(key) !== undefined,
      add: (link) => this.add(link),
      whenReadable: (key) => this.whenReadable(key, FIND_FOR_FORK_MS),
      forgetUnreadable: async (key) => {
        if (this.held.has(key)) await this.held.forget(key)
      }
    })
    this.provenance = new ProvenanceCache(
      () => this.pushLibrary(),
      (journal) => !this.closed && this.open.has(journal.id)
    )
    this.forks = new ForkRunner(
      {
        journal: (key) => this.journal(key),
        find: (key) => this.find(key),
        nameOf: (key) => this.requireRecord(key).name,
        openOwn: (namespace, makePrivate) => openNewOwn(journals, keys, namespace, makePrivate),
        isPrivate: (key) => this.keys.get(key) !== null,
        addOwn: (journal, namespace, kind, name, pendingFork) => this.addOwnRecord(journal, namespace, kind, name, pendingFork),
        forget: (key, journal) => this.forget(key, journal),
        finished: (key) => this.file.update(key, { pendingFork: undefined })
      },
      this.provenance
    )
  }

  static async boot(options: LibraryOptions): Promise<Library> {
    const file = await LibraryFile.load(options.dataDir)
    const keys = options.keys ?? (await JournalKeys.load(options.dataDir))
    const library = new Library(file, options.journals, options.swarm, keys, await CollectLedger.open(options.dataDir), options.dataDir, options.forgotten)
    await ensureOwnJournal(file, options.journals, keys, options.firstJournal)
    for (const record of file.records) {
      if (record.kind === 'hosted' || record.probing) await library.held.open(record)
      else await library.openRecord(record)
    }
    library.forks.resume(file.records, () => library.pushLibrary())
    const active = file.active && library.open.get(file.active)?.journal.writable ? file.active : library.open.firstWritable()?.id
    if (!active) throw new Error('The library has no journal of your own')
    if (active !== file.active) await file.setActive(active)
    await library.collections.resume()
    return library
  }

  /** Saved in library.json; boot makes sure it names a writable journal that is open. */
  private get activeKey(): string {
    return this.file.active ?? ''
  }

  get active(): Journal {
    return this.require(this.activeKey)
  }

  /** The journal a `journal` argument names (z-base-32 or hex key); the active one when left out. */
  journal(ref?: string): Journal {
    if (ref === undefined) return this.active
    const key = journalKeyOf(ref)
    if (key && this.held.has(key)) {
      this.held.refuseUnreadable(key)
      throw new ApiError('unavailable', 'This journal has not been found yet: the app is looking for its peers.', 'journal')
    }
    const journal = this.find(ref)
    if (!journal) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
    return journal
  }

  /** The readable journal `ref` names, if it is in the library (a journal held without being readable is not). */
  find(ref: string): Journal | undefined {
    const key = journalKeyOf(ref)
    // Held and open at once only while a journal is handed from one to the other: the hold answers.
    return key && !this.held.has(key) ? this.open.get(key)?.journal : undefined
  }

  /** The journals I write, the active one first (where a call's recording may have landed). */
  ownJournals(): Journal[] {
    const active = this.active
    const others = this.file.records.flatMap(({ key }) => {
      const journal = key === active.id ? undefined : this.find(key)
      return journal?.writable ? [journal] : []
    })
    return [active, ...others]
  }

  items(): LibraryItem[] {
    return this.file.records.flatMap((record) => (this.open.has(record.key) || this.held.has(record.key) ? [this.item(record.key)] : []))
  }

  /** Every journal with its index core, for the Network section (a held one too: it is served all the same). */
  networkMembers(): NetworkMember[] {
    return this.file.records.flatMap(({ key, name }) => {
      const index = this.held.index(key) ?? this.open.get(key)?.journal.drive.core
      return index ? [{ key, name, index }] : []
    })
  }

  item(key: string): LibraryItem {
    const record = this.requireRecord(key)
    if (this.held.has(key)) return this.held.item(record)
    const { journal } = this.open.get(key)!
    return this.open.item(record, { active: key === this.activeKey, provenance: this.provenance.peek(journal), collecting: journal.writable ? this.collections.of(key) : [] })
  }

  /**
   * The journal `ref` once it can be read: at once for one opened already; for one added by key
   * alone, once its first block has come from a peer and shown it is public. Refused for a
   * private journal held without its read key.
   */
  async whenReadable(ref: string, timeoutMs = Infinity): Promise<Journal> {
    const key = journalKeyOf(ref)
    if (!key) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
    return this.held.whenReadable(key, timeoutMs)
  }

  /** A journal held without being readable, as the window reads it (HeldJournals.view); null for any other journal. */
  heldView(ref?: string): { info: JournalInfo; status: JournalStatus } | null {
    const key = ref === undefined ? null : journalKeyOf(ref)
    return key ? this.held.view(key) : null
  }

  /** The window's header for a journal; waits for the provenance record (the list does not). */
  async info(journal: Journal): Promise<JournalInfo> {
    const provenance = await this.provenance.read(journal)
    const item = this.item(journal.id)
    return { key: item.key, link: item.link, private: item.private, writable: item.writable, name: item.name, kind: item.kind, active: item.active, provenance }
  }

  /**
   * Adds a peer's journal by key or link and joins its swarm. Returns at once: finding peers and
   * the first data happen in the background, and the item says "looking for peers" meanwhile.
   */
  async add(link: string): Promise<{ item: LibraryItem; version?: number }> {
    const parsed = parseJournalLink(link)
    const key = parsed && journalKeyOf(parsed.key)
    if (!parsed || !key) throw new ApiError('bad-request', KEY_HELP, 'link')
    const version = parsed.version === undefined ? {} : { version: parsed.version }
    const readKey = parsed.encryptionKey === undefined ? null : decodeReadKey(parsed.encryptionKey)
    if (this.held.has(key) && readKey) {
      await this.held.readWith(key, readKey)
      return { item: this.item(key), ...version }
    }
    if (this.open.has(key) || this.held.has(key)) return { item: this.item(key), ...version }
    if (readKey) await this.keys.set(key, readKey)
    // By key alone it may be public or private: held at the core level until its first block tells.
    const record: LibraryRecord = {
      key,
      kind: 'followed',
      name: `Journal ${key.slice(0, 8)}`,
      seeding: 'off',
      addedAt: Date.now(),
      ...(readKey ? {} : { probing: true })
    }
    if (readKey) await this.openRecord(record)
    else await this.held.open(record)
    await this.file.add(record)
    this.pushLibrary()
    return { item: this.item(key), ...version }
  }

  /** A new journal of the user's own: private (encrypted with a new read key) unless `private` is false. */
  async create(name: string, options: { private?: boolean } = {}): Promise<LibraryItem> {
    const namespace = `journal-${randomUUID()}`
    const journal = await openNewOwn(this.journals, this.keys, namespace, options.private !== false)
    await this.addOwnRecord(journal, namespace, 'own', cleanName(name) || 'New journal')
    return this.item(journal.id)
  }

  async remove(ref: string, confirmWritable: boolean): Promise<void> {
    const key = journalKeyOf(ref) ?? ref
    const record = this.requireRecord(key)
    if (this.held.has(key)) {
      await this.held.forget(key)
      return
    }
    const { journal } = this.open.get(key)!
    if (key === this.activeKey) throw new ApiError('bad-request', 'This is the active journal: make another journal active before removing it.')
    if (journal.writable && !confirmWritable) {
      throw new ApiError('needs-confirmation', `"${record.name}" is a journal you write. Removing it makes its recordings unreachable from this app.`)
    }
    await this.forget(key, journal)
  }

  async setActive(key: string): Promise<LibraryItem> {
    const journal = this.journal(key)
    if (!journal.writable) throw new ApiError('read-only', 'Only a journal you write can receive calls and imports.')
    await this.file.setActive(journal.id)
    this.pushLibrary()
    return this.item(journal.id)
  }

  async setSeeding(key: string, state: SeedingState): Promise<LibraryItem> {
    const normalized = journalKeyOf(key)
    if (normalized && this.held.has(normalized)) {
      await this.held.setSeeding(normalized, state)
      return this.item(normalized)
    }
    const journal = this.journal(key)
    const open = this.open.get(journal.id)!
    if (!open.seeder) throw new ApiError('bad-request', 'Your own journals are always served in full; seeding is for journals you follow.')
    open.seeder.setState(state)
    await this.file.update(journal.id, { seeding: state })
    this.pushLibrary()
    return this.item(journal.id)
  }

  /** Seeding journals → paused (tray "Pause all"); `resumeAll` turns exactly those back on. */
  async pauseAll(): Promise<void> {
    for (const record of this.file.records.filter((r) => r.seeding === 'seeding')) await this.setSeeding(record.key, 'paused')
  }

  async resumeAll(): Promise<void> {
    for (const record of this.file.records.filter((r) => r.seeding === 'paused')) await this.setSeeding(record.key, 'seeding')
  }

  /** A new writable journal holding `key`'s entries at `version` (default: now), with its provenance. */
  async fork(key: string, options: { version?: number; name?: string; makeActive?: boolean; private?: boolean }): Promise<LibraryItem> {
    // A journal just added by its key may not have been found yet: its first peer has a while.
    const source = await this.whenReadable(key, FIND_FOR_FORK_MS)
    const forkKey = await this.forks.fork(source.id, options)
    return options.makeActive ? this.setActive(forkKey) : this.item(forkKey)
  }

  /** Starts collecting into `into` (default: the active journal) every entry of the journal `from` names (Collections.collectFrom). */
  async collectFrom(from: string, into?: string): Promise<LibraryItem> {
    const destination = this.journal(into)
    await this.collections.collectFrom(destination, from)
    return this.item(destination.id)
  }

  /** Stops collecting into `into` (default: the active journal) from `from`; what came in stays. */
  async stopCollecting(from: string, into?: string): Promise<LibraryItem> {
    const destination = this.journal(into)
    await this.collections.stopCollecting(destination, from)
    return this.item(destination.id)
  }

  async close(): Promise<void> {
    // Copies in flight stop first: they write into journals closed below.
    await this.collections.close()
    this.closed = true
    this.pacer.close()
    this.open.close()
    await this.held.close()
    await this.file.flush()
    await this.keys.flush()
  }

  private async addOwnRecord(journal: Journal, namespace: string, kind: 'own' | 'fork', name: string, pendingFork?: LibraryRecord['pendingFork']): Promise<LibraryRecord> {
    const record: LibraryRecord = { key: journal.id, kind, name, namespace, seeding: 'off', addedAt: Date.now(), ...(pendingFork ? { pendingFork } : {}) }
    await this.file.add(record)
    await this.openRecord(record, journal)
    this.pushLibrary()
    return record
  }

  /** Takes a journal out of the library (the checks are the caller's) and stops serving it. */
  private async forget(key: string, journal: Journal): Promise<void> {
    await this.collections.forgetJournal(key)
    this.open.drop(key)
    await this.file.remove(key)
    await this.swarm.leave(journal)
    // Someone else's journal goes from the disk too, with its read key; its peers still hold it.
    // An own journal's read key stays: without it the journal could never be read again.
    if (!journal.writable) {
      await journal.clearLocalCopy().catch((error: unknown) => log.error({ err: error, journal: key }, 'could not free the space of a removed journal'))
      await this.keys.remove(key)
    }
    await this.journals.release(journal)
    await this.forgotten(key).catch((error: unknown) => log.error({ err: error, journal: key }, 'could not delete what was kept for a removed journal'))
    this.pushLibrary()
  }

  private async openRecord(record: LibraryRecord, opened?: Journal): Promise<void> {
    const readKey = this.keys.get(record.key)
    const journal = opened ?? (record.namespace ? await this.journals.openOwn(record.namespace, readKey) : await this.held.openRemote(record.key, readKey))
    // Someone else's journal whose read key does not open it: it is held without the key instead.
    if (!journal) return
    if (journal.id !== record.key) throw new Error(`library.json: journal ${record.name} opened as ${journal.id}, expected ${record.key}`)
    this.open.serve(journal, record, readKey)
    if (!journal.writable && readKey) this.held.checkReadKey(journal)
  }

  private pushLibrary(): void {
    this.pacer.later('library', LIBRARY_PUSH_DELAY_MS, () => this.emit('library', this.items()))
  }

  private require(key: string): Journal {
    const open = this.open.get(key)
    if (!open) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
    return open.journal
  }

  private requireRecord(key: string): LibraryRecord {
    const record = this.file.find(key)
    if (!record || (!this.open.has(key) && !this.held.has(key))) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
    return record
  }
}

export interface LibraryOptions {
  dataDir: string
  journals: JournalStore
  swarm: JournalSwarm
  /** The read keys of private journals; loaded from the data directory when not given. */
  keys?: JournalKeys
  /** Whether a new data directory's first journal is private (the default) or public (`--public`). */
  firstJournal?: 'private' | 'public'
  /** Called (and awaited) once a journal has left the library, to delete what else was kept for it. */
  forgotten?: (key: string) => Promise<void>
}
