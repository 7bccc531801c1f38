import type { SearchResults } from '#shared/transcript-dto'
import type { Journal } from '../journal/journal'
import { JournalSearch } from './journal-search'

/** Older versions whose index is kept per journal: the one being browsed and the one before it. */
const VERSIONS_KEPT = 2

/**
 * The search indexes of the library's journals, in the services rather than the window: a
 * 10,000-entry journal's index would weigh on the window's memory, would have to be sent to it
 * whole, and would be built again for every window; here one index per journal serves both
 * transports. Indexes are made on a journal's first search and dropped with the journal.
 */
export class SearchService {
  private readonly live = new WeakMap<Journal, JournalSearch>()
  private readonly versions = new WeakMap<Journal, JournalSearch[]>()

  search(journal: Journal, query: string, options: { version?: number | undefined; limit?: number } = {}): Promise<SearchResults> {
    return this.of(journal, options.version).search(query, options.limit ?? 50)
  }

  /** The journal's index, made (empty) when it has none yet; it builds on its first search. */
  of(journal: Journal, version?: number): JournalSearch {
    if (version === undefined) {
      let search = this.live.get(journal)
      if (!search) this.live.set(journal, (search = new JournalSearch(journal)))
      return search
    }
    const kept = this.versions.get(journal) ?? []
    let search = kept.find((s) => s.version === version)
    if (!search) {
      search = new JournalSearch(journal, version)
      this.versions.set(journal, [search, ...kept].slice(0, VERSIONS_KEPT))
    }
    return search
  }
}
