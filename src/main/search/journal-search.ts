import type Hyperdrive from 'hyperdrive'
import type { DriveEntry } from 'hyperdrive'
import type { SearchResults } from '#shared/transcript-dto'
import { isEntryPath, isTranscriptPath } from '../journal/entry-path'
import type { Journal } from '../journal/journal'
import { flattenTranscript, parseTranscript } from '../journal/transcript-file'
import { SerialQueue } from '../journal/serial-queue'
import { logger } from '../app/logging'
import { JournalSearchIndex } from './journal-search-index'

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
 * The search of one journal, live (following every version) or at one older version. The index
 * is built on the first search and then kept up to date from the journal's own diff between the
 * version indexed and the current one: an entry added, renamed or deleted, a transcript added or
 * corrected, each changes one document; nothing is rebuilt per keystroke or per change.
 */
export class JournalSearch {
  private readonly index = new JournalSearchIndex()
  private readonly updates = new SerialQueue()
  /** The version the index holds; 0 until built. */
  private indexedVersion = 0
  /** Transcripts a peer has not sent yet: asked for again at the next search. */
  private readonly unread = new Set<string>()

  constructor(
    private readonly journal: Journal,
    /** An older version to search, or undefined for the live journal. */
    readonly version?: number
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
      if (this.indexedVersion === 0) await this.build()
      else if (this.version === undefined && this.journal.drive.version !== this.indexedVersion) await this.applyChanges()
      if (this.unread.size > 0) await this.readAgain()
    })
  }

  private async build(): Promise<void> {
    // A journal nobody has served yet has nothing to index; asking would wait for a peer.
    if (this.journal.drive.core.length === 0 || this.journal.lookingForPeers) return
    const started = performance.now()
    await this.journal.readSnapshot(this.version, async (drive, at) => {
      const transcripts: string[] = []
      for await (const entry of drive.list(RECORDINGS, { recursive: true, ...this.journal.readLimits })) {
        if (isEntryPath(entry.key) && entry.value.blob) this.index.setEntry(entry.key, titleOf(entry))
        else if (isTranscriptPath(entry.key)) transcripts.push(entry.key)
      }
      await forEachAtMost(READ_CONCURRENCY, transcripts, (path) => this.readTranscript(drive, path))
      this.indexedVersion = at
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
