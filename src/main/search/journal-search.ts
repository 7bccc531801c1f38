import type Hyperdrive from 'hyperdrive'
import type { DriveEntry } from 'hyperdrive'
import type { SearchResults } from '#shared/transcript-dto'
import { isEntryPath, isTranscriptPath } from '../journal/entry-path'
import type { Journal } from '../journal/journal'
import { flattenTranscript, parseTranscript } from '../journal/transcript-file'
import { SerialQueue } from '../journal/serial-queue'
import { logger } from '../app/logging'
import { JournalSearchIndex } from './journal-search-index'
import type { SearchIndexFiles } from './search-index-file'

const log = logger('search')

const RECORDINGS = '/recordings'
/** Transcripts read at once while building: enough to hide a peer's latency, few enough to keep memory flat. */
const READ_CONCURRENCY = 16
/**
 * How long a search waits for a peer to send a transcript not here yet. One that does not come in
 * time is counted as not searched yet and asked for again at the next search.
 */
const PEER_TRANSCRIPT_WAIT_MS = 3000
/**
 * How long after the index changes it is written to its file. The first change starts the wait and
 * later ones ride along, so searches as someone types (each catching up) write once, and a journal
 * that keeps changing is still written every so often. Whatever was not written is caught up from
 * the journal's diff after a restart, so waiting longer costs little.
 */
const SAVE_DELAY_MS = 10_000

/**
 * The search of one journal, live (following every version) or at one older version. The index
 * is built on the first search and then kept up to date from the journal's own diff between the
 * version indexed and the current one: an entry added, renamed or deleted, a transcript added or
 * corrected, each changes one document; nothing is rebuilt per keystroke or per change.
 *
 * The live index is kept in a file (`files`) between runs: the first search after a start loads
 * it and catches up from the version it was written at, the same diff as any other change.
 */
export class JournalSearch {
  private index = new JournalSearchIndex()
  private readonly updates = new SerialQueue()
  /** The version the index holds; 0 until built. */
  private indexedVersion = 0
  /** The fork of the journal's Hypercore the index was read from (a truncated core reuses versions). */
  private indexedFork = 0
  /** Transcripts a peer has not sent yet: asked for again at the next search. */
  private readonly unread = new Set<string>()
  private saveTimer: NodeJS.Timeout | null = null
  private saving: Promise<void> = Promise.resolve()
  /** The file was tried at the first catch-up (loaded or not, it is not tried again). */
  private loadTried = false
  private closed = false
  /** How the index came to be in this run: loaded from its file and caught up, or built from the journal. */
  startedFrom: 'file' | 'journal' | null = null

  constructor(
    private readonly journal: Journal,
    /** An older version to search, or undefined for the live journal. */
    readonly version?: number,
    /** Where the live index is kept between runs; none: built at every start. */
    private readonly files?: SearchIndexFiles
  ) {}

  get size(): number {
    return this.index.size
  }

  async search(query: string, limit: number): Promise<SearchResults> {
    await this.catchUp()
    return { ...this.index.search(query, limit), unindexed: this.unread.size }
  }

  /** Brings the index to the journal's current version (or builds it at the version searched). */
  catchUp(): Promise<void> {
    return this.updates.run(async () => {
      const before = this.indexedVersion
      const unreadBefore = this.unread.size
      if (this.indexedVersion === 0 && !this.loadTried && this.persisted) await this.load()
      if (this.indexedVersion === 0) await this.build()
      else if (this.version === undefined && this.journal.drive.version !== this.indexedVersion) await this.applyChanges()
      if (this.unread.size > 0) await this.readAgain()
      this.index.tidy()
      if (this.indexedVersion !== before || this.unread.size !== unreadBefore) this.scheduleSave()
    })
  }

  /** Writes the index now if a write is waiting, and resolves once nothing is being written. */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer)
      this.saveTimer = null
      this.save()
    }
    await this.saving
  }

  /** No more writes (the journal leaves the library, or the app stops); resolves once the last one is done. */
  async close(): Promise<void> {
    this.closed = true
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = null
    await this.saving
  }

  private get persisted(): boolean {
    return this.files !== undefined && this.version === undefined
  }

  /** The index as the file has it, if it is this journal's at a version the journal still has. */
  private async load(): Promise<void> {
    this.loadTried = true
    const { drive } = this.journal
    const started = performance.now()
    const saved = await this.files!.read(this.journal.id, drive.encryptionKey ?? null)
    if (!saved) return
    if (saved.fork !== drive.core.fork || saved.version > drive.version || saved.version < 1) {
      log.info({ journal: this.journal.id, saved: saved.version, fork: saved.fork, now: drive.version }, 'the saved search index is of a version this journal no longer has; it is built again')
      return
    }
    this.index = saved.index
    this.indexedVersion = saved.version
    this.indexedFork = saved.fork
    this.startedFrom = 'file'
    for (const path of saved.unread) this.unread.add(path)
    log.info({ journal: this.journal.id, version: saved.version, entries: this.index.size, ms: Math.round(performance.now() - started) }, 'search index loaded')
  }

  private scheduleSave(): void {
    if (!this.persisted || this.closed || this.saveTimer || this.indexedVersion === 0) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      this.save()
    }, SAVE_DELAY_MS)
    // A pending write never keeps the process alive: the next start catches up without it.
    this.saveTimer.unref()
  }

  /** Takes the index as it is between two updates, and writes it after any write still going. */
  private save(): void {
    const taken = this.updates.run(async () => ({
      saved: { fork: this.indexedFork, version: this.indexedVersion, unread: [...this.unread] },
      lines: this.index.snapshot()
    }))
    this.saving = this.saving.then(async () => {
      try {
        const { saved, lines } = await taken
        const started = performance.now()
        await this.files!.write(this.journal.id, this.journal.drive.encryptionKey ?? null, saved, lines)
        log.debug({ journal: this.journal.id, version: saved.version, ms: Math.round(performance.now() - started) }, 'search index written')
      } catch (error) {
        log.warn({ err: error, journal: this.journal.id }, 'could not write the search index; it is caught up from the journal at the next start')
      }
    })
  }

  private async build(): Promise<void> {
    // A journal nobody has served yet has nothing to index; asking would wait for a peer.
    if (this.journal.drive.core.length === 0 || this.journal.lookingForPeers) return
    const started = performance.now()
    await this.journal.readSnapshot(this.version, async (drive, at) => {
      await this.index.batch(async () => {
        const transcripts: string[] = []
        for await (const entry of drive.list(RECORDINGS, { recursive: true, ...this.journal.readLimits })) {
          if (isEntryPath(entry.key) && entry.value.blob) this.index.setEntry(entry.key, titleOf(entry))
          else if (isTranscriptPath(entry.key)) transcripts.push(entry.key)
        }
        await forEachAtMost(READ_CONCURRENCY, transcripts, (path) => this.readTranscript(drive, path))
      })
      this.indexedVersion = at
      this.indexedFork = this.journal.drive.core.fork
      this.startedFrom = 'journal'
    })
    log.info({ journal: this.journal.id, version: this.indexedVersion, entries: this.index.size, ms: Math.round(performance.now() - started) }, 'search index built')
  }

  private async applyChanges(): Promise<void> {
    await this.journal.readSnapshot(undefined, async (drive, at) => {
      for await (const { left, right } of drive.diff(this.indexedVersion, RECORDINGS, this.journal.readLimits)) {
        const key = (left ?? right)!.key
        if (isEntryPath(key)) {
          if (left?.value.blob) this.index.setEntry(key, titleOf(left))
          else this.index.removeEntry(key)
        } else if (isTranscriptPath(key)) {
          this.unread.delete(key)
          if (left) await this.readTranscript(drive, key)
          else this.index.setTranscript(key, null)
        }
      }
      this.indexedVersion = at
      this.indexedFork = this.journal.drive.core.fork
    })
  }

  private async readAgain(): Promise<void> {
    const paths = [...this.unread]
    await this.journal.readSnapshot(this.version ?? this.indexedVersion, (drive) =>
      forEachAtMost(READ_CONCURRENCY, paths, async (path) => {
        this.unread.delete(path)
        await this.readTranscript(drive, path)
      })
    )
  }

  private async readTranscript(drive: Hyperdrive, path: string): Promise<void> {
    let bytes: Buffer | null
    try {
      bytes = await drive.get(path, this.journal.writable ? {} : { timeout: PEER_TRANSCRIPT_WAIT_MS })
    } catch (error) {
      // A peer's transcript not here yet: searched once it comes.
      log.debug({ err: error, journal: this.journal.id, path }, 'transcript not here yet')
      this.unread.add(path)
      return
    }
    const parsed = parseTranscript(bytes)
    if ('error' in parsed) {
      log.warn({ journal: this.journal.id, path, reason: parsed.error }, 'transcript refused by the search')
      this.index.setTranscript(path, null)
      return
    }
    this.index.setTranscript(path, flattenTranscript(parsed.transcript))
  }
}

function titleOf(entry: DriveEntry): string | undefined {
  const title = (entry.value.metadata as { title?: unknown } | null)?.title
  return typeof title === 'string' ? title : undefined
}

/** Runs `work` on every item, at most `limit` at a time. */
async function forEachAtMost<T>(limit: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
