import { logger } from '../app/logging'
import { JournalCacheFiles } from '../storage/journal-cache-file'
import { JournalSearchIndex } from './journal-search-index'

const log = logger('search')

/** Raised whenever what is written changes meaning: an older file is then ignored and rebuilt. */
const FORMAT = 1
const KIND = 'voice-journal search index'

/** What the search keeps of a journal's index between runs. */
export interface SavedIndex {
  fork: number
  version: number
  /** Transcripts a peer had not sent yet: still to be read. */
  unread: string[]
}

/**
 * Each journal's search index in the data directory (`search-indexes/<journal key>.ndjson`), so
 * that the first search after a start loads it and catches up from the version it reflects instead
 * of reading every transcript again. A JournalCacheFiles file (header, hash, seal for a private
 * journal): a state line (transcripts still unread), then the index (JournalSearchIndex.snapshot).
 * A file that is missing, damaged, foreign or of an older format is ignored with a log line, and
 * the index is built from the journal as before.
 */
export class SearchIndexFiles {
  private readonly files: JournalCacheFiles

  constructor(readonly dir: string) {
    this.files = new JournalCacheFiles(dir, { kind: KIND, format: FORMAT, log, what: 'search index', otherwise: 'the index is built from the journal' })
  }

  fileOf(journalId: string): string {
    return this.files.fileOf(journalId)
  }

  /** The saved index of journal `journalId`, or null (none, or not one to trust: logged). */
  async read(journalId: string, readKey: Buffer | null): Promise<(SavedIndex & { index: JournalSearchIndex }) | null> {
    const read = await this.files.read(journalId, readKey, async (lines) => {
      const first = await lines.next()
      const state = (first.done ? null : JSON.parse(first.value as string)) as { unread?: unknown } | null
      const unread = Array.isArray(state?.unread) ? state.unread.filter((path): path is string => typeof path === 'string') : null
      if (!unread) throw new Error('no state line')
      return { unread, index: await JournalSearchIndex.restore(lines) }
    })
    return read && { fork: read.fork, version: read.version, ...read.value }
  }

  /** Written in the background: through a temporary file, so a crash never leaves half of one (JournalCacheFiles.write). */
  async write(journalId: string, readKey: Buffer | null, saved: SavedIndex, lines: Iterable<string>): Promise<void> {
    await this.files.write(journalId, readKey, saved, withState(saved, lines))
  }

  /** The journal left the library: its index goes with it. */
  remove(journalId: string): Promise<void> {
    return this.files.remove(journalId)
  }
}

function* withState(saved: SavedIndex, lines: Iterable<string>): Generator<string> {
  yield JSON.stringify({ unread: saved.unread })
  yield* lines
}
