import { join } from 'node:path'
import { normalize as normalizeKey } from 'hypercore-id-encoding'
import type { JournalKind, SeedingState } from '#shared/dto'
import { readJsonFile, writeJsonFile } from '../storage/json-file'
import { logger } from '../app/logging'

const log = logger('library')

/** The Corestore namespace of the journal a library starts with, "My journal" (own-journals.ts). */
export const DEFAULT_NAMESPACE = 'default'

/** One journal the user keeps, as saved in library.json. */
export interface LibraryRecord {
  key: string
  kind: JournalKind
  name: string
  /** Own journals and forks: the Corestore namespace their keys derive from (reopens them writable). */
  namespace?: string
  seeding: SeedingState
  addedAt: number
  /** A fork whose copy has not finished: the journal and version it copies. */
  pendingFork?: { from: string; version: number }
  /**
   * Added by key alone and not yet known to be public or private: held at the core level until
   * its first block tells (a private one stays so, as kind 'hosted').
   */
  probing?: boolean
  /** Added with a read key that did not open it: the key was dropped and the journal is held without it. */
  wrongReadKey?: boolean
}

interface LibraryFileContent {
  active: string | null
  journals: LibraryRecord[]
  /**
   * The default journal (own-journals.ts) left the library: the user removed it, or the backup
   * this directory was restored from did not have it. The library does not make it again.
   */
  defaultJournalRemoved?: true
}

const KINDS: readonly JournalKind[] = ['own', 'followed', 'fork', 'hosted']
const SEEDING: readonly SeedingState[] = ['off', 'seeding', 'paused']

/**
 * The library's saved state (data dir/library.json): which journals, their names and seeding
 * switches, and which one is active. Every change is written at once through a rename, so a
 * crash leaves the previous or the next library, never half of one.
 */
export class LibraryFile {
  private content: LibraryFileContent = { active: null, journals: [] }
  private pendingWrite: Promise<void> = Promise.resolve()

  private constructor(private readonly file: string) {}

  static async load(dataDir: string): Promise<LibraryFile> {
    const library = new LibraryFile(join(dataDir, 'library.json'))
    const raw = await readJsonFile<Partial<LibraryFileContent>>(library.file, {})
    const journals = Array.isArray(raw.journals) ? raw.journals.flatMap((record) => validRecord(record)) : []
    library.content = {
      active: typeof raw.active === 'string' ? raw.active : null,
      journals,
      ...(raw.defaultJournalRemoved === true ? { defaultJournalRemoved: true } : {})
    }
    return library
  }

  get records(): readonly LibraryRecord[] {
    return this.content.journals
  }

  get active(): string | null {
    return this.content.active
  }

  get defaultJournalRemoved(): boolean {
    return this.content.defaultJournalRemoved === true
  }

  find(key: string): LibraryRecord | undefined {
    return this.content.journals.find((record) => record.key === key)
  }

  async add(record: LibraryRecord): Promise<void> {
    if (this.find(record.key)) return
    this.content.journals.push(record)
    await this.save()
  }

  async update(key: string, change: Partial<Omit<LibraryRecord, 'key'>>): Promise<void> {
    const record = this.find(key)
    if (!record) return
    Object.assign(record, change)
    await this.save()
  }

  async remove(key: string): Promise<void> {
    const removed = this.find(key)
    this.content.journals = this.content.journals.filter((record) => record.key !== key)
    // Said in the same write: a start in between would make the default journal again.
    if (removed?.namespace === DEFAULT_NAMESPACE) this.content.defaultJournalRemoved = true
    await this.save()
  }

  /** A restore whose backup has no default journal: it stays out of the library (own-journals.ts says why). */
  async setDefaultJournalRemoved(): Promise<void> {
    this.content.defaultJournalRemoved = true
    await this.save()
  }

  async setActive(key: string): Promise<void> {
    this.content.active = key
    await this.save()
  }

  /** Resolves once everything changed so far is on disk. */
  flush(): Promise<void> {
    return this.pendingWrite
  }

  private save(): Promise<void> {
    // Chained, so two quick changes cannot land out of order; each write has the whole state.
    const snapshot = structuredClone(this.content)
    // A failed earlier write was already rejected to its own caller; this one writes the whole state again.
    this.pendingWrite = this.pendingWrite.catch(() => undefined).then(() => writeJsonFile(this.file, snapshot))
    return this.pendingWrite
  }
}

/** A hand-edited or damaged record is dropped with a warning rather than stopping the app. */
function validRecord(value: unknown): LibraryRecord[] {
  const record = value as Partial<LibraryRecord> | null
  try {
    if (!record || typeof record.name !== 'string' || !KINDS.includes(record.kind as JournalKind)) throw new Error('bad fields')
    return [
      {
        key: normalizeKey(String(record.key)),
        kind: record.kind as JournalKind,
        name: record.name.slice(0, 200),
        ...(typeof record.namespace === 'string' ? { namespace: record.namespace } : {}),
        seeding: SEEDING.includes(record.seeding as SeedingState) ? (record.seeding as SeedingState) : 'off',
        addedAt: typeof record.addedAt === 'number' ? record.addedAt : Date.now(),
        ...(record.probing === true ? { probing: true } : {}),
        ...(record.wrongReadKey === true ? { wrongReadKey: true } : {}),
        ...(record.pendingFork && Number.isSafeInteger(record.pendingFork.version)
          ? { pendingFork: { from: normalizeKey(String(record.pendingFork.from)), version: record.pendingFork.version } }
          : {})
      }
    ]
  } catch {
    log.warn({ entry: JSON.stringify(value)?.slice(0, 200) }, 'ignoring a damaged entry in library.json')
    return []
  }
}
