import MiniSearch, { type AsPlainObject, type Options, type Query, type SearchResult } from 'minisearch'
import type { SearchHit, SearchResults, TranscriptDto } from '#shared/transcript-dto'
import { entryStemOf } from '../journal/entry-path'
import { normalizeTerm, termsOf, tokenize } from '#shared/search-terms'
import { markMatches, TranscriptWords, type TranscriptWordsRecord } from './transcript-words'

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

interface IndexedDocument {
  /** The entry's stem (`/recordings/YYYY/MM/<id>`): shared by the entry and its transcript. */
  id: string
  title: string
  text: string
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

  get size(): number {
    return this.index.documentCount
  }

  /**
   * The index as lines of JSON, for the index file: taken at once (a consistent picture, however
   * long writing it takes), then given out line by line so no one string holds it all. MiniSearch's
   * own `toJSON` (its public format, checked by `serializationVersion` on load) gives the index;
   * the entries and transcript words (for snippets and times) come after it.
   */
  snapshot(): Iterable<string> {
    const { index, ...rest } = this.index.toJSON()
    const entries = [...this.entries]
    const transcripts = [...this.transcripts]
    return (function* () {
      yield JSON.stringify(['m', rest])
      for (const [stem, entry] of entries) yield JSON.stringify(['e', stem, entry.path, entry.title])
      for (const [stem, words] of transcripts) yield JSON.stringify(['w', stem, words.toRecord()])
      // Freed as they go: the writer holds one line of the index at a time.
      for (let i = 0; i < index.length; i++) {
        yield JSON.stringify(['i', ...index[i]!])
        index[i] = undefined!
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
    if (this.index.has(stem)) this.index.discard(stem)
    const entry = this.entries.get(stem)
    if (!entry) return
    this.index.add({ id: stem, title: entry.title, text: this.transcripts.get(stem)?.fullText ?? '' })
  }
}
