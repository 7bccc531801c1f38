import type { EntriesAdded } from '../app/app-events'
import { logger } from '../app/logging'
import { isEntryPath } from '../journal/entry-path'
import type { Journal } from '../journal/journal'
import type { EventPacer } from './event-pacer'

const log = logger('library')

/** A peer's new entries are gathered for this long before one "new entries" notice goes out. */
const NEW_ENTRIES_DELAY_MS = 1000

/**
 * Says when entries appear: a call added one to a journal I write, or a followed journal got new
 * ones from a peer (what the desktop notifications announce). A followed journal's first sync is
 * the journal as it was found, not news: it only sets the baseline.
 */
export class EntryAnnouncer {
  /** Per journal: the version up to which its entries have been announced. */
  private readonly seen = new Map<string, number>()

  constructor(
    private readonly pacer: EventPacer,
    /** The library's name for a journal, or null once it has left the library. */
    private readonly nameOf: (key: string) => string | null,
    private readonly announce: (added: EntriesAdded) => void
  ) {}

  watch(journal: Journal): void {
    // A peer's journal with nothing here yet starts at 0: its first sync is not "new entries".
    this.seen.set(journal.id, journal.drive.core.length === 0 ? 0 : journal.drive.version)
    if (journal.writable) {
      journal.on('added', (dto) => {
        const name = this.nameOf(journal.id)
        // What the person added at this desk themselves (a file, a recording) is not news to them.
        if (dto.source === 'import' || dto.source === 'microphone' || name === null) return
        this.announce({ journal: journal.id, name, writable: true, source: 'call', entries: [{ path: dto.path, ...(dto.title ? { title: dto.title } : {}) }] })
      })
      return
    }
    journal.on('change', () => {
      if (!this.seen.has(journal.id)) return
      if (this.seen.get(journal.id) === 0) this.seen.set(journal.id, journal.drive.version)
      else this.pacer.later(`${journal.id}:entries`, NEW_ENTRIES_DELAY_MS, () => void this.announcePeerEntries(journal))
    })
  }

  forget(key: string): void {
    this.seen.delete(key)
  }

  /** A followed journal's entries that are new since the last announcement (or since its first sync). */
  private async announcePeerEntries(journal: Journal): Promise<void> {
    const since = this.seen.get(journal.id)
    const now = journal.drive.version
    if (since === undefined || now <= since) return
    this.seen.set(journal.id, now)
    const entries: EntriesAdded['entries'] = []
    try {
      for await (const { left, right } of journal.drive.diff(since, '/recordings')) {
        if (left && !right && isEntryPath(left.key)) {
          const title = (left.value.metadata as { title?: unknown } | null)?.title
          entries.push({ path: left.key, ...(typeof title === 'string' && title ? { title } : {}) })
        }
      }
    } catch (error) {
      // The journal closed or its peer left mid-read; the next change announces again.
      log.debug({ err: error, journal: journal.id }, 'new entries not announced yet')
      return
    }
    const name = this.nameOf(journal.id)
    if (entries.length && name !== null) this.announce({ journal: journal.id, name, writable: false, source: 'peer', entries })
  }
}
