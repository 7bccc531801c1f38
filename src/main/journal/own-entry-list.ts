import type Hyperdrive from 'hyperdrive'
import type { DriveEntryValue } from 'hyperdrive'
import type { EntryDto } from '#shared/dto'
import { logger } from '../app/logging'
import { entryDtoOf, listedEntries } from './entry-dto'
import type { EntryListFiles, ListRecords } from './entry-list-file'
import { entryStemOf, isEntryPath, isTranscriptPath } from './entry-path'
import { SerialQueue } from './serial-queue'

const log = logger('journal')

const RECORDINGS = '/recordings'
/**
 * How long after the list changes it is written to its file. The first change starts the wait and
 * later ones ride along, so a burst of calls writes once. What was not written is caught up from
 * the journal's diff at the next start; a write still waiting when the journal closes is done then.
 */
const SAVE_DELAY_MS = 5000

/**
 * The entry list of one of my own journals, kept up to date from the journal's diff: after a
 * change only what changed is read, and across restarts the list is kept in a file
 * (EntryListFiles) that the first list after a start reads and catches up from the version it
 * reflects. Every block of my own journal's current entries is here (an erased entry is a deleted
 * one), so the list is its records alone, and equals a walk of the index at the same version.
 */
export class OwnEntryList {
  private readonly updates = new SerialQueue()
  /** The records at `at`; null until the first list. */
  private records: ListRecords | null = null
  private at = { fork: 0, version: 0 }
  /** What the list shows of each entry record, made once per record. */
  private readonly dtos = new Map<string, EntryDto>()
  private listed: EntryDto[] = []
  /** The version the file holds (0: none written or read in this run). */
  private savedVersion = 0
  private loadTried = false
  private saveTimer: NodeJS.Timeout | null = null
  private saving: Promise<void> = Promise.resolve()
  private closed = false
  /** How the list came to be at the first listing of this run: read from its file, or a walk of the index. */
  startedFrom: 'file' | 'walk' | null = null

  constructor(
    private readonly drive: Hyperdrive,
    private readonly files: EntryListFiles | null
  ) {}

  /** The entries at the journal's current version (or a later one, if it moved while being read). */
  async list(): Promise<EntryDto[]> {
    if (this.current) return this.listed
    return this.updates.run(async () => {
      if (!this.current) await this.catchUp()
      return this.listed
    })
  }

  /** Writes the list now if a write is waiting, and resolves once nothing is being written. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer)
      this.saveTimer = null
      this.save()
    }
    await this.saving
  }

  /** A write still waiting is done now (the file is small; the next start is quick with it); no more after. */
  async close(): Promise<void> {
    // First, so a list made meanwhile schedules nothing that would write after the journal left (and its file was deleted).
    this.closed = true
    await this.flush()
  }

  private get current(): boolean {
    return this.records !== null && this.at.version === this.drive.version && this.at.fork === this.drive.core.fork
  }

  private async catchUp(): Promise<void> {
    if (!this.loadTried && this.files) await this.load()
    const at = this.drive.version
    const fork = this.drive.core.fork
    const snapshot = this.drive.checkout(at)
    try {
      if (this.records && this.at.fork === fork && this.at.version <= at) await this.applyChanges(snapshot, this.records)
      else await this.walk(snapshot)
    } finally {
      await snapshot.close()
    }
    this.at = { fork, version: at }
    this.listed = listedEntries(this.dtos.values(), transcriptsByStem(this.records!))
    if (at !== this.savedVersion) this.scheduleSave()
  }

  /** The file's records, if it is this journal's at a version it still has (else the journal is walked). */
  private async load(): Promise<void> {
    this.loadTried = true
    const started = performance.now()
    const saved = await this.files!.read(this.drive.id, this.drive.encryptionKey ?? null)
    if (!saved) return
    if (saved.fork !== this.drive.core.fork || saved.version > this.drive.version || saved.version < 1) {
      log.info({ journal: this.drive.id, saved: saved.version, fork: saved.fork, now: this.drive.version }, 'the saved entry list is of a version this journal no longer has; the journal is walked')
      return
    }
    this.records = saved.value
    for (const [path, value] of saved.value.entries) this.dtos.set(path, dtoOf(path, value))
    this.at = { fork: saved.fork, version: saved.version }
    this.savedVersion = saved.version
    this.startedFrom = 'file'
    log.info({ journal: this.drive.id, version: saved.version, entries: this.dtos.size, ms: Math.round(performance.now() - started) }, 'entry list read from its file')
  }

  private async walk(snapshot: Hyperdrive): Promise<void> {
    const records: ListRecords = { entries: new Map(), transcripts: new Map() }
    this.dtos.clear()
    for await (const entry of snapshot.list(RECORDINGS, { recursive: true })) this.set(records, entry.key, entry.value)
    this.records = records
    this.startedFrom ??= 'walk'
  }

  /** Only what changed since the version held: the diff of the index between the two (newer side `left`). */
  private async applyChanges(snapshot: Hyperdrive, records: ListRecords): Promise<void> {
    if (this.at.version === snapshot.version) return
    for await (const { left, right } of snapshot.diff(this.at.version, RECORDINGS)) {
      this.set(records, (left ?? right)!.key, left?.value ?? null)
    }
  }

  /** One record of the index as the walk or the diff meets it (`value` null: it is not there). */
  private set(records: ListRecords, key: string, value: DriveEntryValue | null): void {
    if (isEntryPath(key)) {
      // The walk lists only entries with audio; a record without is not one.
      if (value?.blob) {
        records.entries.set(key, value)
        this.dtos.set(key, dtoOf(key, value))
      } else {
        records.entries.delete(key)
        this.dtos.delete(key)
      }
    } else if (isTranscriptPath(key)) {
      if (value) records.transcripts.set(key, value.metadata ?? {})
      else records.transcripts.delete(key)
    }
  }

  private scheduleSave(): void {
    if (!this.files || this.closed || this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      this.save()
    }, SAVE_DELAY_MS)
    // A pending write never keeps the process alive: the next start catches up without it.
    this.saveTimer.unref()
  }

  /** Takes the records as they are between two updates, and writes them after any write still going. */
  private save(): void {
    const taken = this.updates.run(async () => ({
      at: { ...this.at },
      // Copies: the maps go on changing while the file is written.
      records: { entries: new Map(this.records!.entries), transcripts: new Map(this.records!.transcripts) }
    }))
    this.saving = this.saving.then(async () => {
      try {
        const { at, records } = await taken
        const started = performance.now()
        await this.files!.write(this.drive.id, this.drive.encryptionKey ?? null, at, records)
        this.savedVersion = at.version
        log.debug({ journal: this.drive.id, version: at.version, ms: Math.round(performance.now() - started) }, 'entry list written')
      } catch (error) {
        log.warn({ err: error, journal: this.drive.id }, 'could not write the entry list; the journal is walked or caught up at the next start')
      }
    })
  }
}

/** My own journal's current entries: every block is here. */
function dtoOf(path: string, value: DriveEntryValue): EntryDto {
  return entryDtoOf({ key: path, value }, value.blob?.blockLength ?? 0)
}

function transcriptsByStem(records: ListRecords): Map<string, unknown> {
  const byStem = new Map<string, unknown>()
  for (const [path, metadata] of records.transcripts) byStem.set(entryStemOf(path), metadata)
  return byStem
}
