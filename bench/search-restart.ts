/**
 * One start of the app as far as search goes, for bench/search.ts: run in a fresh process on the
 * bench's data directory, it times the first search after the start and what it leaves in memory,
 * either building the index from the journal (`build`) or loading it from its file (`load`).
 * Prints one line of JSON.
 */
import { performance } from 'node:perf_hooks'
import { join } from 'node:path'
import { JournalStore } from '../src/main/journal/journal-store'
import { JournalSearch } from '../src/main/search/journal-search'
import { SearchIndexFiles } from '../src/main/search/search-index-file'

const [dir, mode, query] = process.argv.slice(2) as [string, 'build' | 'load', string]
const gc = (): void => (globalThis as { gc?: () => void }).gc?.()

const store = await JournalStore.open(dir)
const journal = await store.openOwn()
gc()
const before = process.memoryUsage()
const search = new JournalSearch(journal, undefined, mode === 'load' ? new SearchIndexFiles(join(dir, 'search-indexes')) : undefined)
const started = performance.now()
const results = await search.search(query, 10)
const ms = performance.now() - started
const peakRss = process.resourceUsage().maxRSS * 1024
gc()
const after = process.memoryUsage()
console.log(
  JSON.stringify({
    ms,
    from: search.startedFrom,
    entries: search.size,
    total: results.total,
    heap: after.heapUsed - before.heapUsed,
    rss: after.rss - before.rss,
    peakRss: peakRss - before.rss
  })
)
await search.close()
await store.close()
