import type { SearchResults } from '#shared/transcript-dto'
import type { Journal } from '../journal/journal'
import { JournalSearch } from './journal-search'
import { SearchIndexFiles } from './search-index-file'

/** Older versions whose index is kept per journal: the one being browsed and the one before it. */
const VERSIONS_KEPT = 2

/**
 * The search indexes of the library's journals, in the services rather than the window: a
 * 10,000-entry journal's index would weigh on the window's memory, would have to be sent to it
 * whole, and would be built again for every window; here one index per journal serves both
 * transports. Indexes are made on a journal's first search and dropped with the journal. With a
 * directory, each journal's live index is kept there between runs (SearchIndexFiles), and its
 * file is deleted when the journal leaves the library (`forget`).
 */
export class SearchService {
  private readonly live = new Map<string, { journal: Journal; search: JournalSearch }>()
  private readonly versions = new WeakMap<Journal, JournalSearch[]>()
  private readonly files: SearchIndexFiles | undefined

  constructor(options: { dir?: string } = {}) {
    this.files = options.dir === undefined ? undefined : new SearchIndexFiles(options.dir)
  }

  search(journal: Journal, query: string, options: { version?: number | undefined; limit?: number } = {}): Promise<SearchResults> {
    return this.of(journal, options.version).search(query, options.limit ?? 50)
  }

  /** The journal's index, made (empty) when it has none yet; it builds (or loads) on its first search. */
  of(journal: Journal, version?: number): JournalSearch {
    if (version === undefined) {
      let live = this.live.get(journal.id)
      // A journal removed and added again is a new Journal: its index starts over.
      if (live?.journal !== journal) {
        live = { journal, search: new JournalSearch(journal, undefined, this.files) }
        this.live.set(journal.id, live)
      }
      return live.search
    }
    const kept = this.versions.get(journal) ?? []
    let search = kept.find((s) => s.version === version)
    if (!search) {
      search = new JournalSearch(journal, version)
      this.versions.set(journal, [search, ...kept].slice(0, VERSIONS_KEPT))
    }
    return search
  }

  /** The journal left the library: its index is dropped and its file deleted (after any write in progress). */
  async forget(journalId: string): Promise<void> {
    const live = this.live.get(journalId)
    this.live.delete(journalId)
    await live?.search.close()
    await this.files?.remove(journalId)
  }

  /** Writes still waiting are left to the next start's catch-up; one in progress is finished. */
  async close(): Promise<void> {
    await Promise.all([...this.live.values()].map(({ search }) => search.close()))
  }
}
