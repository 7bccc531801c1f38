import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import { decode as decodeKey, encode as encodeKey, normalize as normalizeKey } from 'hypercore-id-encoding'
import { ApiError } from '#shared/api'
import type { JournalInfo, JournalStatus, LibraryItem, SeedingProgress, SeedingState } from '#shared/dto'
import { journalLink, KEY_HELP, parseJournalLink } from '#shared/journal-key'
import type { EntriesAdded } from '../app/app-events'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import type { JournalStore } from '../journal/journal-store'
import type { JournalSwarm } from '../network/journal-swarm'
import type { NetworkMember } from '../network/network-status'
import { BlindHost, type HeldJournalKind } from './blind-host'
import { CollectLedger } from './collect-ledger'
import { Collections } from './collections'
import { EntryAnnouncer } from './entry-announcer'
import { EventPacer } from './event-pacer'
import { JournalKeys } from './journal-keys'
import { cleanName, ForkRunner } from './fork-runner'
import { Holders } from './holders'
import { LibraryFile, type LibraryRecord } from './library-file'
import { ProvenanceCache } from './provenance-cache'
import { isDecodingError, readKeyOpens, readKeyOpensLocalCopy, WRONG_READ_KEY_IN_LINK, WRONG_READ_KEY_MESSAGE } from './read-key-check'
import { Seeder } from './seeder'

const log = logger('library')

interface LibraryEvents {
  library: [LibraryItem[]]
  status: [JournalStatus]
  blocks: [{ journal: string }]
  'entries-added': [EntriesAdded]
}

/** Bursts (a sync, thousands of blocks) become one push per journal per interval. */
const STATUS_PUSH_DELAY_MS = 100
const LIBRARY_PUSH_DELAY_MS = 300
const BLOCKS_PUSH_DELAY_MS = 250

const DEFAULT_NAMESPACE = 'default'
/** How long a fork of a journal just added by key waits for its first peer. */
const FIND_FOR_FORK_MS = 30_000
export const OWN_JOURNAL_NAME = 'My journal'

/** What someone without a private journal's read key is told, wherever they try to read it. */
export const PRIVATE_JOURNAL_MESSAGE =
  'This journal is private: you can keep it online for the people who have its link, not listen to it. Add its private link (…#encryptionKey=…) to listen.'
/** Collecting reads every entry: a private journal held without its read key cannot be collected from. */
export const COLLECT_PRIVATE_MESSAGE =
  'This journal is private and held here without its read key: its entries cannot be read, so they cannot be collected. Collect from its private link (…#encryptionKey=…) instead.'

/** Everything the library keeps per open journal besides its saved record. */
interface OpenJournal {
  journal: Journal
  seeder: Seeder | null
  /** Our own journals: who else holds a full copy. */
  holders: Holders | null
  /** The read key it was opened with: what the window is told, even while a wrong one is being dropped. */
  readKey: Buffer | null
}

/**
 * The user's journals: their own (one of them active: calls and imports go there), the ones they
 * follow and their forks. Every journal in it is open, joined to the swarm and served; the
 * library's saved state (library.json, LibraryFile) survives restarts, and followed journals
 * rejoin and resume seeding. This file is the registry; pushing events, announcing new entries,
 * provenance and forks each have their own file beside it.
 */
export class Library extends EventEmitter<LibraryEvents> {
  private readonly open = new Map<string, OpenJournal>()
  /** Journals held at the core level: added by key alone and not yet known (probing), or private without their read key (hosted). */
  private readonly held = new Map<string, BlindHost>()
  /** Tells `whenReadable` that a held journal's kind became known. */
  private readonly heldSettled = new EventEmitter<{ settled: [string] }>()
  private readonly pacer = new EventPacer()
  private readonly announcer: EntryAnnouncer
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
    dataDir: string
  ) {
    super()
    this.collections = new Collections(ledger, dataDir, {
      find: (key) => this.find(key),
      nameOf: (key) => this.file.find(key)?.name ?? `Journal ${key.slice(0, 8)}`,
      changed: () => this.pushLibrary()
    })
    this.announcer = new EntryAnnouncer(this.pacer, (key) => this.file.find(key)?.name ?? null, (added) => this.emit('entries-added', added))
    this.provenance = new ProvenanceCache(
      () => this.pushLibrary(),
      (journal) => !this.closed && this.open.has(journal.id)
    )
    this.forks = new ForkRunner(
      {
        journal: (key) => this.journal(key),
        find: (key) => this.find(key),
        nameOf: (key) => this.requireRecord(key).name,
        openOwn: (namespace, makePrivate) => this.openNewOwn(namespace, makePrivate),
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
    const library = new Library(file, options.journals, options.swarm, keys, await CollectLedger.open(options.dataDir), options.dataDir)
    // A new data directory starts with one journal of its own, private unless asked otherwise
    // (an always-on host that publishes to everyone). Installs from before the library had only
    // the default journal, public; it becomes "My journal".
    if (!file.records.some((record) => record.namespace === DEFAULT_NAMESPACE)) {
      // Only a journal with nothing in it yet can be made private: one already written (a lost
      // library.json, an install from before) opens as it was, with its key if it has one.
      const existing = await options.journals.peekOwn(DEFAULT_NAMESPACE)
      const fresh = file.records.length === 0 && existing.length === 0
      const created = fresh && options.firstJournal !== 'public' && !keys.get(existing.id) ? JournalKeys.generate() : null
      if (created) await keys.set(existing.id, created)
      const own = await options.journals.openOwn(DEFAULT_NAMESPACE, keys.get(existing.id))
      await file.add({ key: own.id, kind: 'own', name: OWN_JOURNAL_NAME, namespace: DEFAULT_NAMESPACE, seeding: 'off', addedAt: Date.now() })
    }
    for (const record of file.records) {
      if (record.kind === 'hosted' || record.probing) await library.openHeld(record)
      else await library.openRecord(record)
    }
    // A fork the app stopped copying (a crash, a quit) carries on; copying skips what is there.
    for (const record of file.records.filter((r) => r.pendingFork)) {
      library.forks.complete(record).then(
        () => library.pushLibrary(),
        (error: unknown) => log.warn({ err: error, fork: record.key }, `the fork "${record.name}" is not finished yet`)
      )
    }
    const active = file.active && library.open.get(file.active)?.journal.writable ? file.active : library.firstWritable()
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
    const key = safeNormalize(ref)
    if (key && this.held.has(key)) {
      this.refuseUnreadable(key)
      throw new ApiError('unavailable', 'This journal has not been found yet: the app is looking for its peers.', 'journal')
    }
    const journal = this.find(ref)
    if (!journal) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
    return journal
  }

  /** The readable journal `ref` names, if it is in the library (a journal held without being readable is not). */
  find(ref: string): Journal | undefined {
    const key = safeNormalize(ref)
    // Held and open at once only while a journal is handed from one to the other: the hold answers.
    return key && !this.held.has(key) ? this.open.get(key)?.journal : undefined
  }

  items(): LibraryItem[] {
    return this.file.records.flatMap((record) => (this.open.has(record.key) || this.held.has(record.key) ? [this.item(record.key)] : []))
  }

  /** Every journal with its index core, for the Network section (a held one too: it is served all the same). */
  networkMembers(): NetworkMember[] {
    return this.file.records.flatMap(({ key, name }) => {
      const index = this.held.get(key)?.index ?? this.open.get(key)?.journal.drive.core
      return index ? [{ key, name, index }] : []
    })
  }

  item(key: string): LibraryItem {
    const record = this.requireRecord(key)
    const host = this.held.get(key)
    if (host) return this.heldItem(record, host)
    const { journal, seeder, holders, readKey } = this.open.get(key)!
    return {
      key,
      link: journalLink(key, undefined, readKey ? encodeKey(readKey) : undefined),
      private: readKey !== null,
      readable: true,
      name: record.name,
      kind: record.kind,
      writable: journal.writable,
      active: key === this.activeKey,
      peers: journal.peers,
      version: journal.drive.version,
      lookingForPeers: journal.lookingForPeers,
      seeding: seeder ? seeder.progress() : COMPLETE_OWN,
      provenance: this.provenance.peek(journal),
      addedAt: record.addedAt,
      heldElsewhere: holders?.summary() ?? null,
      restoring: journal.writeHold ? 'catching-up' : null,
      collecting: journal.writable ? this.collections.of(key) : []
    }
  }

  /**
   * The journal `ref` once it can be read: at once for one opened already; for one added by key
   * alone, once its first block has come from a peer and shown it is public. Refused for a
   * private journal held without its read key.
   */
  async whenReadable(ref: string, timeoutMs = Infinity): Promise<Journal> {
    const key = safeNormalize(ref)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (!key) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
      const readable = this.find(key)
      if (readable) return readable
      if (!this.held.has(key)) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
      this.refuseUnreadable(key)
      const settled = await new Promise<boolean>((resolve) => {
        const timer = Number.isFinite(timeoutMs) ? setTimeout(() => done(false), Math.max(0, deadline - Date.now())) : undefined
        const onSettled = (which: string): void => {
          if (which === key) done(true)
        }
        const done = (value: boolean): void => {
          clearTimeout(timer)
          this.heldSettled.off('settled', onSettled)
          resolve(value)
        }
        this.heldSettled.on('settled', onSettled)
      })
      if (!settled) throw new ApiError('unavailable', 'This journal has not been found yet: none of its peers answered. Try again when one is online.', 'journal')
    }
  }

  /**
   * A journal held at the core level, as the window reads it: its header and status, and no
   * entries or history (a private one cannot be read here; an unknown one has none yet). Null for
   * any other journal.
   */
  heldView(ref?: string): { info: JournalInfo; status: JournalStatus } | null {
    const key = ref === undefined ? null : safeNormalize(ref)
    const host = key ? this.held.get(key) : undefined
    if (!key || !host) return null
    const item = this.item(key)
    return {
      info: { key, link: item.link, private: item.private, writable: false, name: item.name, kind: item.kind, active: false, provenance: null },
      status: { key, peers: host.peers, version: host.version, updatedAt: null, size: 0, entries: 0 }
    }
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
    const key = parsed && safeNormalize(parsed.key)
    if (!parsed || !key) throw new ApiError('bad-request', KEY_HELP, 'link')
    const version = parsed.version === undefined ? {} : { version: parsed.version }
    const readKey = parsed.encryptionKey === undefined ? null : decodeReadKey(parsed.encryptionKey)
    const host = this.held.get(key)
    if (host && readKey) {
      // The private link of a journal hosted blind (or still unknown): from now on it is read.
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
      return { item: this.item(key), ...version }
    }
    if (this.open.has(key) || host) return { item: this.item(key), ...version }
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
    else await this.openHeld(record)
    await this.file.add(record)
    this.pushLibrary()
    return { item: this.item(key), ...version }
  }

  /** A new journal of the user's own: private (encrypted with a new read key) unless `private` is false. */
  async create(name: string, options: { private?: boolean } = {}): Promise<LibraryItem> {
    const namespace = `journal-${randomUUID()}`
    const journal = await this.openNewOwn(namespace, options.private !== false)
    await this.addOwnRecord(journal, namespace, 'own', cleanName(name) || 'New journal')
    return this.item(journal.id)
  }

  async remove(ref: string, confirmWritable: boolean): Promise<void> {
    const key = safeNormalize(ref) ?? ref
    const record = this.requireRecord(key)
    const host = this.held.get(key)
    if (host) {
      await this.forgetHeld(key, host)
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
    const normalized = safeNormalize(key)
    const host = normalized ? this.held.get(normalized) : undefined
    if (host && normalized) {
      host.setState(state)
      await this.file.update(normalized, { seeding: state })
      this.pushLibrary()
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

  /**
   * Starts collecting into `into` (default: the active journal) every entry of the journal `from`
   * names (a key or link; added to the library if it is not there), now and whenever both can be
   * reached, each once. Refused for a journal that cannot be read here.
   */
  async collectFrom(from: string, into?: string): Promise<LibraryItem> {
    const destination = this.journal(into)
    if (!destination.writable) throw new ApiError('read-only', 'Only a journal you write can collect entries from another.', 'journal')
    const parsed = parseJournalLink(from)
    const key = parsed && safeNormalize(parsed.key)
    if (!key) throw new ApiError('bad-request', KEY_HELP, 'from')
    if (key === destination.id) throw new ApiError('bad-request', 'A journal cannot collect from itself.', 'from')
    const known = this.file.find(key) !== undefined
    await this.add(from)
    let source: Journal
    try {
      source = await this.whenReadable(key, FIND_FOR_FORK_MS)
    } catch (error) {
      // Added only to be collected from and not readable: it is not kept.
      if (!known && this.held.has(key)) await this.forgetHeld(key, this.held.get(key)!)
      if (error instanceof ApiError && error.code === 'private') throw new ApiError('private', COLLECT_PRIVATE_MESSAGE, 'from')
      throw error
    }
    await this.collections.start(destination, source)
    return this.item(destination.id)
  }

  /** Stops collecting into `into` (default: the active journal) from `from`; what came in stays. */
  async stopCollecting(from: string, into?: string): Promise<LibraryItem> {
    const destination = this.journal(into)
    const parsed = parseJournalLink(from)
    const key = parsed && safeNormalize(parsed.key)
    if (!key || !(await this.collections.stop(destination.id, key))) {
      throw new ApiError('not-found', 'This journal does not collect from that one.', 'from')
    }
    return this.item(destination.id)
  }

  async close(): Promise<void> {
    // Copies in flight stop first: they write into journals closed below.
    await this.collections.close()
    this.closed = true
    this.pacer.close()
    for (const { seeder, holders } of this.open.values()) {
      seeder?.close()
      holders?.close()
    }
    await Promise.all([...this.held.values()].map((host) => host.close()))
    this.held.clear()
    await this.file.flush()
    await this.keys.flush()
  }

  /** Opens a new own journal; a private one's read key is on disk before the journal is in the library (listed without it, it could never be opened again). */
  private async openNewOwn(namespace: string, makePrivate: boolean): Promise<Journal> {
    const encryptionKey = makePrivate ? JournalKeys.generate() : null
    const journal = await this.journals.openOwn(namespace, encryptionKey)
    if (encryptionKey) await this.keys.set(journal.id, encryptionKey)
    return journal
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
    this.stopServing(key)
    await this.file.remove(key)
    await this.swarm.leave(journal)
    // Someone else's journal goes from the disk too, with its read key; its peers still hold it.
    // An own journal's read key stays: without it the journal could never be read again.
    if (!journal.writable) {
      await journal.clearLocalCopy().catch((error: unknown) => log.error({ err: error, journal: key }, 'could not free the space of a removed journal'))
      await this.keys.remove(key)
    }
    await this.journals.release(journal)
    this.pushLibrary()
  }

  /** Drops a read key that does not open its journal and holds the journal at the core level, where its first block tells what it is. */
  private async holdWithoutWrongKey(key: string): Promise<void> {
    log.warn({ journal: key }, 'the read key this journal was added with does not open it: holding it without the key')
    await this.keys.remove(key)
    await this.file.update(key, { probing: true, wrongReadKey: true })
    await this.openHeld(this.requireRecordOnFile(key))
    this.pushLibrary()
  }

  /** Stops everything the library runs for an open journal and drops it (the swarm topic and the drive are the caller's). */
  private stopServing(key: string): void {
    this.open.get(key)?.seeder?.close()
    this.open.get(key)?.holders?.close()
    this.pacer.cancel(`${key}:`)
    this.announcer.forget(key)
    this.open.delete(key)
  }

  /** A journal held at the core level: its first block tells whether it is public (then it is opened to be read) or private. */
  private async openHeld(record: LibraryRecord): Promise<void> {
    const host = await BlindHost.open(this.journals.corestore, decodeKey(record.key), record.seeding)
    this.held.set(record.key, host)
    this.swarm.join(host)
    const push = (): void => this.pushLibrary()
    host.on('progress', push)
    host.on('peers', push)
    host.on('change', push)
    host.on('kind', (kind) => void this.learnedKind(record.key, host, kind))
    if (host.kind !== 'unknown') await this.learnedKind(record.key, host, host.kind)
  }

  private async learnedKind(key: string, host: BlindHost, kind: HeldJournalKind): Promise<void> {
    if (this.closed || this.held.get(key) !== host) return
    try {
      if (kind === 'public') {
        await this.file.update(key, { probing: undefined })
        await this.makeReadable(key, host)
      } else if (kind === 'private') {
        // Hosting is what a private journal added by its key alone is for: every block, kept current.
        await this.file.update(key, { probing: undefined, kind: 'hosted', name: this.requireRecord(key).name.replace(/^Journal /, 'Private journal '), seeding: 'seeding' })
        host.setState('seeding')
        this.pushLibrary()
      }
    } catch (error) {
      log.error({ err: error, journal: key }, `cannot open the journal as ${kind}`)
    } finally {
      this.heldSettled.emit('settled', key)
    }
  }

  /** Closes the core-level hold and opens the journal as a Hyperdrive (public, or with the read key now held). */
  private async makeReadable(key: string, host: BlindHost): Promise<void> {
    // The hold answers for the journal until the drive takes over in one step: a request in
    // between must find one or the other, never neither.
    const journal = await this.journals.openRemote(key, this.keys.get(key))
    await this.swarm.leave(host)
    const record = this.requireRecordOnFile(key)
    if (record.kind === 'hosted') await this.file.update(key, { kind: 'followed', name: record.name.replace(/^Private journal /, 'Journal ') })
    await this.file.update(key, { probing: undefined, wrongReadKey: undefined })
    this.held.delete(key)
    host.removeAllListeners()
    await this.openRecord(this.requireRecordOnFile(key), journal)
    await host.close()
    this.pushLibrary()
  }

  private async forgetHeld(key: string, host: BlindHost): Promise<void> {
    this.held.delete(key)
    host.removeAllListeners()
    await this.file.remove(key)
    await this.swarm.leave(host)
    // What was held for others goes from the disk; its other peers still hold it.
    await host.clearLocalCopy().catch((error: unknown) => log.error({ err: error, journal: key }, 'could not free the space of a removed journal'))
    await host.close()
    this.heldSettled.emit('settled', key)
    this.pushLibrary()
  }

  private heldItem(record: LibraryRecord, host: BlindHost): LibraryItem {
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

  private requireRecordOnFile(key: string): LibraryRecord {
    const record = this.file.find(key)
    if (!record) throw new ApiError('not-found', 'That journal is not in your library.', 'journal')
    return record
  }

  private async openRecord(record: LibraryRecord, opened?: Journal): Promise<void> {
    const readKey = this.keys.get(record.key)
    let journal = opened
    if (!journal && !record.namespace && readKey && (await readKeyOpensLocalCopy(this.journals.corestore, decodeKey(record.key), readKey)) === false) {
      // Someone else's journal whose first block is here and does not decrypt with the key it was added with.
      await this.holdWithoutWrongKey(record.key)
      return
    }
    try {
      journal ??= record.namespace ? await this.journals.openOwn(record.namespace, readKey) : await this.journals.openRemote(record.key, readKey)
    } catch (error) {
      // The same, should the first block have come in between.
      if (record.namespace || !readKey || !isDecodingError(error)) throw error
      await this.holdWithoutWrongKey(record.key)
      return
    }
    if (journal.id !== record.key) throw new Error(`library.json: journal ${record.name} opened as ${journal.id}, expected ${record.key}`)
    const seeder = journal.writable ? null : new Seeder(journal, record.seeding)
    const holders = journal.writable ? new Holders(journal) : null
    holders?.on('change', () => this.pushLibrary())
    this.open.set(journal.id, { journal, seeder, holders, readKey })
    this.watch(journal, seeder)
    this.announcer.watch(journal)
    this.swarm.join(journal)
    if (!journal.writable) {
      // Learn the latest length from peers in the background; nothing waits on it.
      journal.drive.update({ wait: true }).catch((error: unknown) => log.debug({ err: error, journal: journal.id }, 'no peer answered the first update'))
      if (readKey) this.checkReadKey(journal)
    }
  }

  /** A held journal that cannot be read here says why: private without its read key, or added with one that does not open it. */
  private refuseUnreadable(key: string): void {
    const record = this.requireRecord(key)
    if (record.wrongReadKey) throw new ApiError('private', WRONG_READ_KEY_MESSAGE, 'journal')
    if (record.kind === 'hosted') throw new ApiError('private', PRIVATE_JOURNAL_MESSAGE, 'journal')
  }

  /**
   * Checks a followed journal's read key once its first block is here. A key that does not open
   * it (mistyped, from another journal, or given for a public one) is dropped and the journal held
   * at the core level again, where its first block tells what it is: a private one is hosted blind
   * and says its link's key was wrong; a public one opens without the key.
   */
  private checkReadKey(journal: Journal): void {
    const key = journal.id
    readKeyOpens(journal).then(
      async (opens) => {
        if (opens || this.closed || this.open.get(key)?.journal !== journal) return
        // The hold answers for the journal before the drive goes (they share the swarm topic), so
        // a request in between finds one or the other.
        await this.holdWithoutWrongKey(key)
        this.stopServing(key)
        await this.journals.release(journal)
        this.pushLibrary()
      },
      // The journal closed (removed, or the app quit) before its first block came: nothing to check.
      (error: unknown) => log.debug({ err: error, journal: key }, 'read key not checked')
    ).catch((error: unknown) => log.error({ err: error, journal: key }, 'could not hold the journal without its wrong read key'))
  }

  /** Forwards a journal's changes to the window, paced, for as long as it is in the library. */
  private watch(journal: Journal, seeder: Seeder | null): void {
    const inLibrary = (): boolean => this.open.get(journal.id)?.journal === journal
    const pushStatus = (): void =>
      this.pacer.later(`${journal.id}:status`, STATUS_PUSH_DELAY_MS, () => {
        if (!inLibrary()) return
        journal.status().then(
          (status) => this.emit('status', status),
          (error: unknown) => log.error({ err: error, journal: journal.id }, 'cannot read journal status')
        )
      })
    for (const event of ['change', 'peers', 'hold'] as const) {
      journal.on(event, () => {
        pushStatus()
        this.pushLibrary()
      })
    }
    journal.on('blocks', () => this.pacer.later(`${journal.id}:blocks`, BLOCKS_PUSH_DELAY_MS, () => inLibrary() && this.emit('blocks', { journal: journal.id })))
    seeder?.on('progress', () => this.pushLibrary())
  }

  private pushLibrary(): void {
    this.pacer.later('library', LIBRARY_PUSH_DELAY_MS, () => this.emit('library', this.items()))
  }

  private firstWritable(): string {
    const writable = [...this.open.values()].find(({ journal }) => journal.writable)
    if (!writable) throw new Error('The library has no journal of your own')
    return writable.journal.id
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
}

/** A read key from a link: 32 bytes, or the link is refused with the key help. */
function decodeReadKey(text: string): Buffer {
  try {
    const bytes = decodeKey(text)
    if (bytes.length === 32) return bytes
  } catch {
    // falls through to the refusal below
  }
  throw new ApiError('bad-request', KEY_HELP, 'link')
}

const COMPLETE_OWN: SeedingProgress = { state: 'off', bytesDownloaded: 0, bytesTotal: 0, bytesPerSecond: 0, complete: true }

function safeNormalize(ref: string): string | null {
  try {
    return normalizeKey(ref.trim().toLowerCase())
  } catch {
    return null // not a key at all: the caller says what a key looks like
  }
}
