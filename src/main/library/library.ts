import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import { normalize as normalizeKey } from 'hypercore-id-encoding'
import { ApiError } from '#shared/api'
import type { JournalInfo, JournalStatus, LibraryItem, Provenance, SeedingProgress, SeedingState } from '#shared/dto'
import { journalLink, KEY_HELP, parseJournalLink } from '#shared/journal-key'
import type { EntriesAdded } from '../app/app-events'
import { isEntryPath } from '../journal/entry-path'
import type { Journal } from '../journal/journal'
import type { JournalStore } from '../journal/journal-store'
import type { JournalSwarm } from '../network/journal-swarm'
import { copyIntoFork } from './fork-journal'
import { LibraryFile, type LibraryRecord } from './library-file'
import { Seeder } from './seeder'
import { logger } from '../app/logging'

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
/** A peer's new entries are gathered for this long before one "new entries" notice goes out. */
const NEW_ENTRIES_DELAY_MS = 1000

const DEFAULT_NAMESPACE = 'default'
export const OWN_JOURNAL_NAME = 'My journal'

/** Everything the library keeps per open journal besides its saved record. */
interface OpenJournal {
  journal: Journal
  seeder: Seeder | null
  timers: Partial<Record<'status' | 'blocks' | 'entries', NodeJS.Timeout>>
  /** Version up to which a peer's entries have been announced as new. */
  seenVersion: number
}

/**
 * The user's journals: their own (one of them active: calls and imports go there), the ones they
 * follow and their forks. Every journal in it is open, joined to the swarm and served; the
 * library's saved state survives restarts, and followed journals rejoin and resume seeding.
 */
export class Library extends EventEmitter<LibraryEvents> {
  private readonly open = new Map<string, OpenJournal>()
  private readonly provenance = new Map<string, Provenance | null>()
  private libraryTimer: NodeJS.Timeout | null = null
  private closed = false

  private constructor(
    private readonly file: LibraryFile,
    private readonly journals: JournalStore,
    private readonly swarm: JournalSwarm
  ) {
    super()
  }

  static async boot(options: { dataDir: string; journals: JournalStore; swarm: JournalSwarm }): Promise<Library> {
    const file = await LibraryFile.load(options.dataDir)
    const library = new Library(file, options.journals, options.swarm)
    // Installs from before the library had only the default journal; it becomes "My journal".
    if (!file.records.some((record) => record.namespace === DEFAULT_NAMESPACE)) {
      const own = await options.journals.openOwn(DEFAULT_NAMESPACE)
      await file.add({ key: own.id, kind: 'own', name: OWN_JOURNAL_NAME, namespace: DEFAULT_NAMESPACE, seeding: 'off', addedAt: Date.now() })
    }
    for (const record of file.records) await library.openRecord(record)
    // A fork the app stopped copying (a crash, a quit) carries on; copying skips what is there.
    for (const record of file.records.filter((r) => r.pendingFork)) {
      library.completeFork(record).then(
        () => library.pushLibrary(),
        (error: unknown) => log.warn({ err: error, fork: record.key }, `the fork "${record.name}" is not finished yet`)
      )
    }
    const active = file.active && library.open.get(file.active)?.journal.writable ? file.active : library.firstWritable()
    if (active !== file.active) await file.setActive(active)
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
    const journal = this.find(ref)
    if (!journal) throw new ApiError('not-found', 'That journal is not in your library.')
    return journal
  }

  find(ref: string): Journal | undefined {
    const key = safeNormalize(ref)
    return key ? this.open.get(key)?.journal : undefined
  }

  items(): LibraryItem[] {
    return this.file.records.flatMap((record) => (this.open.has(record.key) ? [this.item(record.key)] : []))
  }

  item(key: string): LibraryItem {
    const record = this.requireRecord(key)
    const { journal, seeder } = this.open.get(key)!
    return {
      key,
      link: journalLink(key),
      name: record.name,
      kind: record.kind,
      writable: journal.writable,
      active: key === this.activeKey,
      peers: journal.peers,
      version: journal.drive.version,
      lookingForPeers: journal.lookingForPeers,
      seeding: seeder ? seeder.progress() : COMPLETE_OWN,
      provenance: this.provenanceOf(journal),
      addedAt: record.addedAt
    }
  }

  /** The window's header for a journal; waits for the provenance record (the list does not). */
  async info(journal: Journal): Promise<JournalInfo> {
    const provenance = this.provenance.get(journal.id) ?? (await journal.provenance())
    if (provenance) this.provenance.set(journal.id, provenance)
    const item = this.item(journal.id)
    return { key: item.key, link: item.link, writable: item.writable, name: item.name, kind: item.kind, active: item.active, provenance }
  }

  /**
   * Adds a peer's journal by key or link and joins its swarm. Returns at once: finding peers and
   * the first data happen in the background, and the item says "looking for peers" meanwhile.
   */
  async add(link: string): Promise<{ item: LibraryItem; version?: number }> {
    const parsed = parseJournalLink(link)
    const key = parsed && safeNormalize(parsed.key)
    if (!parsed || !key) throw new ApiError('bad-request', KEY_HELP)
    const version = parsed.version === undefined ? {} : { version: parsed.version }
    if (this.open.has(key)) return { item: this.item(key), ...version }
    const record: LibraryRecord = { key, kind: 'followed', name: `Journal ${key.slice(0, 8)}`, seeding: 'off', addedAt: Date.now() }
    await this.openRecord(record)
    await this.file.add(record)
    this.pushLibrary()
    return { item: this.item(key), ...version }
  }

  async create(name: string): Promise<LibraryItem> {
    const namespace = `journal-${randomUUID()}`
    return this.addOwn(await this.journals.openOwn(namespace), namespace, 'own', cleanName(name) || 'New journal')
  }

  async remove(key: string, confirmWritable: boolean): Promise<void> {
    const record = this.requireRecord(key)
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
  async fork(key: string, options: { version?: number; name?: string; makeActive?: boolean }): Promise<LibraryItem> {
    const source = this.journal(key)
    if (source.drive.version <= 1 && !source.writable) await source.drive.update({ wait: true })
    const version = options.version ?? source.drive.version
    if (!Number.isSafeInteger(version) || version < 1 || version > source.drive.version) {
      throw new ApiError('bad-request', `Version must be a whole number from 1 to ${source.drive.version}`)
    }
    const sourceName = this.requireRecord(source.id).name
    const namespace = `fork-${randomUUID()}`
    const target = await this.journals.openOwn(namespace)
    const name = cleanName(options.name ?? '') || `${sourceName} (fork of version ${version})`
    // Saved before the copy starts, so a copy cut short by a crash is finished at the next start.
    const record = await this.addOwnRecord(target, namespace, 'fork', name, { from: source.id, version })
    try {
      await this.completeFork(record)
    } catch (error) {
      await this.forget(record.key, target)
      throw error
    }
    return options.makeActive ? this.setActive(record.key) : this.item(record.key)
  }

  /** Copies a fork's source into it (again: entries already there are skipped) and marks it done. */
  private async completeFork(record: LibraryRecord): Promise<void> {
    const pending = record.pendingFork
    const target = this.open.get(record.key)?.journal
    if (!pending || !target) return
    const source = this.find(pending.from)
    if (!source) throw new Error(`the journal it is forked from (${pending.from}) is no longer in the library`)
    if (source.drive.version < pending.version && !source.writable) await source.drive.update({ wait: true })
    this.provenance.set(record.key, await copyIntoFork(source, pending.version, target))
    await this.file.update(record.key, { pendingFork: undefined })
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.libraryTimer) clearTimeout(this.libraryTimer)
    for (const key of this.open.keys()) this.stopTimers(key)
    for (const { seeder } of this.open.values()) seeder?.close()
    await this.file.flush()
  }

  private async addOwn(journal: Journal, namespace: string, kind: 'own' | 'fork', name: string): Promise<LibraryItem> {
    await this.addOwnRecord(journal, namespace, kind, name)
    return this.item(journal.id)
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
    this.open.get(key)?.seeder?.close()
    this.stopTimers(key)
    this.open.delete(key)
    await this.file.remove(key)
    await this.swarm.leave(journal)
    // Someone else's journal goes from the disk too; its peers still hold it.
    if (!journal.writable) await journal.clearLocalCopy().catch((error: unknown) => log.error({ err: error, journal: key }, 'could not free the space of a removed journal'))
    await this.journals.release(journal)
    this.pushLibrary()
  }

  private async openRecord(record: LibraryRecord, opened?: Journal): Promise<void> {
    const journal =
      opened ?? (record.namespace ? await this.journals.openOwn(record.namespace) : await this.journals.openRemote(record.key))
    if (journal.id !== record.key) throw new Error(`library.json: journal ${record.name} opened as ${journal.id}, expected ${record.key}`)
    const seeder = journal.writable ? null : new Seeder(journal, record.seeding)
    // A peer's journal with nothing here yet starts at 0: its first sync is not "new entries".
    const seenVersion = journal.drive.core.length === 0 ? 0 : journal.drive.version
    const entry: OpenJournal = { journal, seeder, timers: {}, seenVersion }
    this.open.set(journal.id, entry)
    this.watch(entry)
    this.swarm.join(journal)
    if (!journal.writable) {
      // Learn the latest length from peers in the background; nothing waits on it.
      journal.drive.update({ wait: true }).catch(() => {})
    }
  }

  private watch(entry: OpenJournal): void {
    const { journal, seeder, timers } = entry
    const later = (name: 'status' | 'blocks' | 'entries', delay: number, run: () => void): void => {
      if (timers[name] || this.closed) return
      timers[name] = setTimeout(() => {
        delete timers[name]
        if (!this.closed && this.open.get(journal.id) === entry) run()
      }, delay)
    }
    const pushStatus = (): void =>
      later('status', STATUS_PUSH_DELAY_MS, () => {
        journal.status().then(
          (status) => this.emit('status', status),
          (error: unknown) => log.error({ err: error, journal: journal.id }, 'cannot read journal status')
        )
      })
    journal.on('change', () => {
      pushStatus()
      this.pushLibrary()
      if (journal.writable) return
      // The first data from a peer is the journal as it was found, not news: it is the baseline.
      if (entry.seenVersion === 0) entry.seenVersion = journal.drive.version
      else later('entries', NEW_ENTRIES_DELAY_MS, () => void this.announceNewEntries(entry))
    })
    journal.on('peers', () => {
      pushStatus()
      this.pushLibrary()
    })
    journal.on('blocks', () => later('blocks', BLOCKS_PUSH_DELAY_MS, () => this.emit('blocks', { journal: journal.id })))
    journal.on('added', (dto) => {
      if (dto.source === 'import') return
      const record = this.file.find(journal.id)
      this.emit('entries-added', {
        journal: journal.id,
        name: record?.name ?? journal.id,
        writable: true,
        source: 'call',
        entries: [{ path: dto.path, ...(dto.title ? { title: dto.title } : {}) }]
      })
    })
    seeder?.on('progress', () => this.pushLibrary())
  }

  /** A followed journal's entries that are new since the last announcement (or since its first sync). */
  private async announceNewEntries(entry: OpenJournal): Promise<void> {
    const { journal } = entry
    const since = entry.seenVersion
    const now = journal.drive.version
    entry.seenVersion = now
    if (now <= since) return
    const entries: EntriesAdded['entries'] = []
    try {
      for await (const { left, right } of journal.drive.diff(since, '/recordings')) {
        if (left && !right && isEntryPath(left.key)) {
          const title = (left.value.metadata as { title?: unknown } | null)?.title
          entries.push({ path: left.key, ...(typeof title === 'string' && title ? { title } : {}) })
        }
      }
    } catch {
      return // The journal closed or its peer left mid-read; the next change announces again.
    }
    const record = this.file.find(journal.id)
    if (entries.length && record) this.emit('entries-added', { journal: journal.id, name: record.name, writable: false, source: 'peer', entries })
  }

  private pushLibrary(): void {
    if (this.libraryTimer || this.closed) return
    this.libraryTimer = setTimeout(() => {
      this.libraryTimer = null
      if (!this.closed) this.emit('library', this.items())
    }, LIBRARY_PUSH_DELAY_MS)
  }

  /** Provenance from cache; a journal not read yet is read in the background and pushed when known. */
  private provenanceOf(journal: Journal): Provenance | null {
    if (this.provenance.has(journal.id)) return this.provenance.get(journal.id) ?? null
    journal.provenance().then((provenance) => {
      if (this.closed || !this.open.has(journal.id)) return
      // "None" from a journal with nothing replicated yet is not an answer; ask again later.
      if (provenance || journal.drive.core.length > 0) this.provenance.set(journal.id, provenance)
      if (provenance) this.pushLibrary()
    }, () => {})
    return null
  }

  private firstWritable(): string {
    const writable = [...this.open.values()].find(({ journal }) => journal.writable)
    if (!writable) throw new Error('The library has no journal of your own')
    return writable.journal.id
  }

  private require(key: string): Journal {
    const open = this.open.get(key)
    if (!open) throw new ApiError('not-found', 'That journal is not in your library.')
    return open.journal
  }

  private requireRecord(key: string): LibraryRecord {
    const record = this.file.find(key)
    if (!record || !this.open.has(key)) throw new ApiError('not-found', 'That journal is not in your library.')
    return record
  }

  private stopTimers(key: string): void {
    const open = this.open.get(key)
    if (!open) return
    for (const timer of Object.values(open.timers)) clearTimeout(timer)
    open.timers = {}
  }
}

const COMPLETE_OWN: SeedingProgress = { state: 'off', bytesDownloaded: 0, bytesTotal: 0, bytesPerSecond: 0, complete: true }

function safeNormalize(ref: string): string | null {
  try {
    return normalizeKey(ref.trim().toLowerCase())
  } catch {
    return null
  }
}

function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, 100)
}
