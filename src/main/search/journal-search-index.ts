import MiniSearch, { type AsPlainObject, type Options, type Query, type SearchResult } from 'minisearch'
import type { SearchHit, SearchResults, TranscriptDto } from '#shared/transcript-dto'
import { entryStemOf } from '../journal/entry-path'
import { normalizeTerm, termsOf, tokenize } from '#shared/search-terms'
import { logger } from '../app/logging'
import { markMatches, TranscriptWords, type TranscriptWordsRecord } from './transcript-words'

const log = logger('search')

/** Titles weigh more than a word said in passing. */
const TITLE_BOOST = 2
/** The last word of a query is still being typed: matched as a prefix once it has this many letters. */
const PREFIX_MIN_CHARS = 2
/**
 * How many words a half-typed word stands for, shortest first (then alphabetically). Matching
 * every completion of "th" would score most of the journal once per word ("the", "they", "then",
 * "there", …); a few of the shortest are what the person is most likely typing, and the next
 * letter narrows them anyway. Two letters stand for fewer words than three.
 */
const PREFIX_COMPLETIONS = { 2: 3, 3: 5, more: 10 } as const
/** When discarded documents are cleared from the index: MiniSearch's own defaults for its automatic vacuum. */
const VACUUM_MIN_DIRT = 20
const VACUUM_MIN_DIRT_FACTOR = 0.1

interface IndexedDocument {
  /** The entry's stem (`/recordings/YYYY/MM/<id>`): shared by the entry and its transcript. */
  id: string
  title: string
  text: string
}

/** MiniSearch 7's term map (term → field id → document short id → frequency), as its `toJSON` reads it. */
interface MiniSearchInternals {
  _index?: Iterable<[string, Map<number, Map<number, number>>]>
}

interface IndexedEntry {
  path: string
  title: string
}

/**
 * The full-text index of one journal at one version: its entries' titles and transcripts.
 *
 * MiniSearch, because it is small (no dependencies, ~30 kB), kept up (7.x, typed), runs the same
 * in the services and a browser, and changes incrementally: an entry added, renamed or removed,
 * or a transcript corrected, replaces or discards one document instead of rebuilding the index
 * (discarded documents are vacuumed in the background). FlexSearch is faster on huge corpora but
 * its incremental updates and typings are weaker; lunr cannot change an index once built.
 *
 * Entries and transcripts arrive in any order (a peer's journal replicates them separately), so
 * both are kept by the entry's stem and a document is indexed once its entry is known.
 */
export class JournalSearchIndex {
  /**
   * Every word ever indexed, for completing a half-typed word. Words of discarded documents stay
   * (a completion that no longer matches just finds nothing); a journal's vocabulary is tens of
   * thousands of words, scanned in well under a millisecond.
   */
  private readonly vocabulary = new Set<string>()
  private index = new MiniSearch<IndexedDocument>(this.options())
  private readonly entries = new Map<string, IndexedEntry>()
  private readonly transcripts = new Map<string, TranscriptWords>()
  /** Stems to index once `batch` is done; null outside a batch. */
  private pending: Set<string> | null = null

  get size(): number {
    return this.index.documentCount
  }

  /**
   * The index as lines of JSON, for the index file, taken at once (a consistent picture, however
   * long writing it takes). The format is MiniSearch's own `toJSON` (checked by its
   * `serializationVersion` on load), one term a line, then the entries and transcript words (for
   * snippets and times). `toJSON` itself would build the whole index as objects first (measured:
   * +32 MB of peak RSS for 1,000 entries, so some 300 MB at 10,000); here each term is turned into
   * its line straight from MiniSearch's term map, so only the lines (about the file's size) are
   * held. That map is MiniSearch's internals: if it is not there as expected, `toJSON` is used.
   */
  snapshot(): Iterable<string> {
    const terms = (this.index as unknown as MiniSearchInternals)._index
    let head: Omit<AsPlainObject, 'index'>
    let termLines: string[]
    if (terms && typeof terms[Symbol.iterator] === 'function') {
      // `toJSON` of the index with its terms hidden: the rest, exactly as MiniSearch writes it.
      const { index: _none, ...rest } = MiniSearch.prototype.toJSON.call(Object.create(this.index, { _index: { value: [] } }) as MiniSearch)
      head = rest
      termLines = []
      for (const [term, fields] of terms) {
        const data: Record<string, Record<string, number>> = {}
        for (const [fieldId, frequencies] of fields) data[fieldId] = Object.fromEntries(frequencies)
        termLines.push(JSON.stringify(['i', term, data]))
      }
    } else {
      const { index, ...rest } = this.index.toJSON()
      head = rest
      termLines = index.map(([term, data]) => JSON.stringify(['i', term, data]))
    }
    const entries = [...this.entries]
    const transcripts = [...this.transcripts]
    return (function* () {
      yield JSON.stringify(['m', head])
      for (const [stem, entry] of entries) yield JSON.stringify(['e', stem, entry.path, entry.title])
      for (const [stem, words] of transcripts) yield JSON.stringify(['w', stem, words.toRecord()])
      // Let go as they are written.
      for (let i = 0; i < termLines.length; i++) {
        yield termLines[i]!
        termLines[i] = ''
      }
    })()
  }

  /**
   * An index back from the lines of `snapshot`. Throws when they do not hold together (a damaged
   * or foreign file): the caller builds from the journal instead. The index's own lines are kept
   * as text until MiniSearch takes them one by one, which costs a fraction of them parsed at once.
   */
  static async restore(lines: AsyncIterable<string>): Promise<JournalSearchIndex> {
    const restored = new JournalSearchIndex()
    let head: Omit<AsPlainObject, 'index'> | null = null
    const indexLines: string[] = []
    for await (const line of lines) {
      if (line.startsWith('["i",')) {
        indexLines.push(line)
        continue
      }
      const parsed = JSON.parse(line) as unknown[]
      if (!Array.isArray(parsed)) throw new Error('not a line of a search index')
      const [kind, stem] = parsed
      if (kind === 'm') head = parsed[1] as Omit<AsPlainObject, 'index'>
      else if (kind === 'e' && typeof stem === 'string' && typeof parsed[2] === 'string' && typeof parsed[3] === 'string') restored.entries.set(stem, { path: parsed[2], title: parsed[3] })
      else if (kind === 'w' && typeof stem === 'string') restored.transcripts.set(stem, TranscriptWords.fromRecord(parsed[2] as TranscriptWordsRecord))
      else throw new Error(`an unknown line in a search index: ${String(kind)}`)
    }
    if (!head || typeof head !== 'object') throw new Error('a search index without its header')
    const vocabulary = restored.vocabulary
    function* index(): Generator<AsPlainObject['index'][number]> {
      for (let i = 0; i < indexLines.length; i++) {
        const [, term, data] = JSON.parse(indexLines[i]!) as ['i', string, AsPlainObject['index'][number][1]]
        indexLines[i] = ''
        if (typeof term !== 'string' || !data || typeof data !== 'object') throw new Error('a damaged term in a search index')
        vocabulary.add(term)
        yield [term, data]
      }
    }
    // MiniSearch only iterates `index` (for…of), so a generator stands in for the array.
    restored.index = await MiniSearch.loadJSAsync<IndexedDocument>({ ...head, index: index() as unknown as AsPlainObject['index'] }, restored.options())
    // One document per entry, by its stem (see `reindex`).
    if (restored.index.documentCount !== restored.entries.size || ![...restored.entries.keys()].every((stem) => restored.index.has(stem))) {
      throw new Error('a search index whose entries and documents differ')
    }
    return restored
  }

  /**
   * Runs `work` (entries and transcripts coming in), indexing each entry once at the end instead
   * of once for its title and again for its transcript: building a journal's index does half the
   * work and leaves no discarded documents behind.
   */
  async batch(work: () => Promise<void>): Promise<void> {
    this.pending = new Set()
    try {
      await work()
    } finally {
      const stems = this.pending
      this.pending = null
      for (const stem of stems) this.reindex(stem)
    }
  }

  /**
   * Clears discarded documents out of the index, all at once. MiniSearch's automatic vacuum does it
   * in the background in batches, and a term added or removed between two batches breaks its walk
   * of the term tree: an uncaught TypeError in TreeIterator.dive that ended the process (seen
   * building a 300-entry journal's index). Called between updates, it never overlaps one, nor a
   * search (which also removes terms), nor a snapshot.
   */
  tidy(): void {
    if (this.index.dirtCount < VACUUM_MIN_DIRT || this.index.dirtFactor < VACUUM_MIN_DIRT_FACTOR) return
    // One batch as large as the index: the walk runs to its end without yielding.
    this.index.vacuum({ batchSize: Number.MAX_SAFE_INTEGER }).catch((error: unknown) => log.warn({ err: error }, 'could not clear discarded documents from a search index'))
  }

  /** An entry added or renamed. */
  setEntry(path: string, title: string | undefined): void {
    const stem = entryStemOf(path)
    const before = this.entries.get(stem)
    if (before && before.path === path && before.title === (title ?? '')) return
    this.entries.set(stem, { path, title: title ?? '' })
    this.reindex(stem)
  }

  removeEntry(path: string): void {
    const stem = entryStemOf(path)
    if (this.entries.get(stem)?.path !== path) return
    this.entries.delete(stem)
    this.reindex(stem)
  }

  /** A transcript added or corrected (null: removed), by its own path or its entry's. */
  setTranscript(path: string, transcript: TranscriptDto | null): void {
    const stem = entryStemOf(path)
    if (transcript) this.transcripts.set(stem, TranscriptWords.of(transcript))
    else if (!this.transcripts.delete(stem)) return
    this.reindex(stem)
  }

  hasTranscript(path: string): boolean {
    return this.transcripts.has(entryStemOf(path))
  }

  /**
   * Entries matching every word of `query` (the last one as a prefix, as it may be half typed),
   * best first, with where in the transcript the first matching word is said.
   */
  search(query: string, limit: number): Omit<SearchResults, 'unindexed'> {
    const words = termsOf(query)
    if (words.length === 0) return { query, hits: [], total: 0 }
    const last = words.at(-1)!
    const completions = last.length >= PREFIX_MIN_CHARS ? this.completionsOf(last) : null
    // Few completions: MiniSearch's own prefix search scores them into one set of results, the
    // cheapest way; many: the shortest few, each a query of its own.
    const typing: Query =
      completions === null ? last : completions.all ? { combineWith: 'OR', queries: [last], prefix: true } : { combineWith: 'OR', queries: completions.words }
    const results = this.index.search({ combineWith: 'AND', queries: [...words.slice(0, -1), typing] })
    return { query, hits: results.slice(0, limit).flatMap((result) => this.hitOf(result) ?? []), total: results.length }
  }

  private options(): Options<IndexedDocument> {
    return {
      fields: ['title', 'text'],
      tokenize,
      // See `tidy`.
      autoVacuum: false,
      processTerm: (term) => {
        const normalized = normalizeTerm(term)
        if (!normalized) return null
        this.vocabulary.add(normalized)
        return normalized
      },
      // Queries arrive already as terms (see `search`); they must not grow the vocabulary.
      searchOptions: { boost: { title: TITLE_BOOST }, processTerm: (term) => term }
    }
  }

  /** The word itself and its shortest completions in this journal; `all` when that is every one. */
  private completionsOf(prefix: string): { words: string[]; all: boolean } {
    const limit = prefix.length === 2 ? PREFIX_COMPLETIONS[2] : prefix.length === 3 ? PREFIX_COMPLETIONS[3] : PREFIX_COMPLETIONS.more
    const completions: string[] = []
    for (const word of this.vocabulary) if (word !== prefix && word.startsWith(prefix)) completions.push(word)
    if (completions.length <= limit) return { words: [prefix, ...completions], all: true }
    completions.sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
    return { words: [prefix, ...completions.slice(0, limit)], all: false }
  }

  private hitOf(result: SearchResult): SearchHit | null {
    const stem = result.id as string
    const entry = this.entries.get(stem)
    if (!entry) return null
    // The words of the entry that matched (a half-typed word's completions included), as indexed.
    const terms = new Set(Object.keys(result.match))
    const fields = new Set(Object.values(result.match).flat())
    const inTitle = fields.has('title')
    const words = fields.has('text') ? this.transcripts.get(stem) : undefined
    const at = words ? words.firstMatch(terms) : -1
    const hit: SearchHit = {
      path: entry.path,
      terms: [...terms],
      in: inTitle && at >= 0 ? 'both' : at >= 0 ? 'transcript' : 'title',
      snippet: at >= 0 ? words!.snippet(at, terms) : markMatches(entry.title.split(/\s+/), terms)
    }
    if (at >= 0) hit.startMs = words!.startMs(at)
    return hit
  }

  /** One document per entry: (re)written whenever its title or transcript changes. */
  private reindex(stem: string): void {
    if (this.pending) {
      this.pending.add(stem)
      return
    }
    if (this.index.has(stem)) this.index.discard(stem)
    const entry = this.entries.get(stem)
    if (!entry) return
    this.index.add({ id: stem, title: entry.title, text: this.transcripts.get(stem)?.fullText ?? '' })
  }
}
