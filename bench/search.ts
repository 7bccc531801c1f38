/**
 * `npm run bench:search`: the search of a 10,000-entry journal whose entries each have a
 * ~200-word transcript (made-up speech with a Zipf-shaped vocabulary, bench/search-corpus.ts),
 * written straight into the drive as bench:journal does.
 *   1. listing the 10,000 entries with their transcripts (hasTranscript, first sentence), cold
 *      after a restart, without and with transcripts: walking the index, and from the list's file;
 *   2. building the index: time, and memory (heap and RSS growth, after garbage collection);
 *   3. 200 varied queries (single words common to rare, prefixes as typed, two words, no match):
 *      median and p95 per query, in one run. Target (issue 13): median < 20 ms, p95 < 50 ms;
 *   4. keeping up: a rename and a corrected transcript, then the next search (the index catches up
 *      from the journal's diff, not by rebuilding);
 *   5. restarts: writing the index file (time, size), then the first search after a start in a
 *      fresh process (bench/search-restart.ts), once building from scratch and once loading the
 *      file and catching up: time, heap and RSS growth, and the process's peak RSS over its start.
 */
import { execFile } from 'node:child_process'
import { strict as assert } from 'node:assert'
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { performance } from 'node:perf_hooks'
import { JournalStore } from '../src/main/journal/journal-store'
import { transcriptPathOf } from '../src/main/journal/entry-path'
import { flattenTranscript, transcriptFileMetadata } from '../src/main/journal/transcript-file'
import { JournalSearch } from '../src/main/search/journal-search'
import { SearchIndexFiles } from '../src/main/search/search-index-file'
import type { Transcript } from '#shared/transcript'
import { makeTempDir } from '../test/helpers/temp-dir'
import { random, sentencesOf, vocabulary, zipf } from './search-corpus'
import { machineLoad, max, mb, median, percentile, verdict } from './stats'

/** `--entries N` for a quicker run. */
const entriesArg = process.argv.indexOf('--entries')
const ENTRIES = entriesArg > 0 ? Number(process.argv[entriesArg + 1]) : 10_000
const WORDS_PER_TRANSCRIPT = 200
const RARE_WORDS = 6_000
const QUERIES = 200
const WORD_MS = 420

const run = promisify(execFile)

interface StartFigures {
  ms: number
  from: string
  entries: number
  total: number
  heap: number
  rss: number
  peakRss: number
}

const ms = (value: number): string => `${value.toFixed(1)} ms`
const gc = (): void => (globalThis as { gc?: () => void }).gc?.()

function transcriptOf(sentences: string[][]): Transcript {
  let at = 0
  return {
    ver: '1.0.0',
    channels: [
      {
        transcript: sentences.map((words) => {
          const timestamp = at
          const timed = words.map((word) => {
            const start = at
            at += WORD_MS
            return { word, start_time: start, end_time: start + WORD_MS - 60, confidence: 0.9 }
          })
          at += 500
          return { sentence: words.join(' '), timestamp, duration: at - timestamp, words: timed }
        })
      }
    ]
  }
}

/** Single words from common to rare, prefixes as typed (2–4 letters), two words, and words nobody said. */
function queriesOf(words: string[], rand: () => number): { kind: string; query: string }[] {
  const pick = (from: number, to: number): string => words[from + Math.floor(rand() * (to - from))]!
  const queries: { kind: string; query: string }[] = []
  for (let i = 0; i < 30; i++) queries.push({ kind: 'common word', query: pick(0, 150) })
  for (let i = 0; i < 30; i++) queries.push({ kind: 'topic word', query: pick(150, 300) })
  for (let i = 0; i < 30; i++) queries.push({ kind: 'rare word', query: pick(300, words.length) })
  for (let i = 0; i < 50; i++) {
    const word = pick(0, words.length)
    queries.push({ kind: 'prefix', query: word.slice(0, Math.min(word.length, 2 + Math.floor(rand() * 3))) })
  }
  for (let i = 0; i < 40; i++) queries.push({ kind: 'two words', query: `${pick(0, 300)} ${pick(0, words.length)}` })
  for (let i = 0; i < 20; i++) queries.push({ kind: 'no match', query: `zq${pick(0, words.length)}x` })
  return queries.slice(0, QUERIES)
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) console.log('(run with --expose-gc for memory figures after collection)')
  const rand = random(13)
  const words = vocabulary(RARE_WORDS, rand)
  const rank = zipf(words.length, rand)
  const { dir, cleanup } = await makeTempDir('voice-journal-bench-search-')
  try {
    let store = await JournalStore.open(dir)
    let journal = await store.openOwn()
    const audio = Buffer.alloc(2048, 1)
    const paths: string[] = []
    let written = performance.now()
    for (let i = 0; i < ENTRIES; i++) {
      const mtime = Date.UTC(2020, 0, 1) + i * 3_600_000
      const date = new Date(mtime)
      const path = `/recordings/${date.getUTCFullYear()}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/bench-${i}.mp3`
      await journal.drive.put(path, audio, { metadata: { mtime, durationMs: WORDS_PER_TRANSCRIPT * WORD_MS, format: 'mp3', source: 'record' } })
      paths.push(path)
    }
    // 1. Listing, cold, before and after every entry has a transcript: transcripts lie in the same
    // folders, so the walk meets them; only their records' metadata is read, never a file. Each
    // both ways: walking the index (no entry-list file), and reading the list's file (written when
    // the previous run's journal closed) and catching up from it.
    const listCold = async (from: 'walk' | 'file'): Promise<{ ms: number; entries: Awaited<ReturnType<typeof journal.listEntries>> }> => {
      await store.close()
      if (from === 'walk') await rm(join(dir, 'entry-lists', `${journal.id}.ndjson`), { force: true })
      store = await JournalStore.open(dir)
      journal = await store.openOwn()
      const began = performance.now()
      const entries = await journal.listEntries()
      const took = performance.now() - began
      if (journal.listStartedFrom !== from) throw new Error(`the list started from ${String(journal.listStartedFrom)}, not ${from}`)
      return { ms: took, entries }
    }
    const listBothWays = async (): Promise<{ walked: number; read: number; entries: Awaited<ReturnType<typeof journal.listEntries>> }> => {
      const walked = await listCold('walk')
      const read = await listCold('file')
      assert.deepEqual(read.entries, walked.entries, 'the list read from its file differs from the walk')
      return { walked: walked.ms, read: read.ms, entries: walked.entries }
    }
    const withoutTranscripts = await listBothWays()
    for (const [i, path] of paths.entries()) {
      const transcript = transcriptOf(sentencesOf(WORDS_PER_TRANSCRIPT, () => words[rank()]!, rand))
      await journal.drive.put(transcriptPathOf(path), Buffer.from(JSON.stringify(transcript)), { metadata: transcriptFileMetadata(transcript, { mtime: i }) })
    }
    written = performance.now() - written
    console.log(`wrote ${ENTRIES} entries with ${WORDS_PER_TRANSCRIPT}-word transcripts (${words.length} distinct words) in ${(written / 1000).toFixed(1)} s`)
    const withTranscripts = await listBothWays()
    const listed = withTranscripts.entries
    const described = listed.filter((entry) => entry.hasTranscript && entry.firstSentence).length
    const listFile = (await stat(join(dir, 'entry-lists', `${journal.id}.ndjson`))).size
    console.log(
      `list ${listed.length} entries, first after restart: ${ms(withoutTranscripts.walked)} walked, ${ms(withoutTranscripts.read)} from its file without transcripts; ` +
        `${ms(withTranscripts.walked)} walked, ${ms(withTranscripts.read)} from its file with one beside every entry ` +
        `(${described} shown by their first sentence; list file ${mb(listFile)}; target < 1000 ms: ${verdict(withTranscripts.read < 1000)}; ${machineLoad()})`
    )
    let started: number

    // 2. Building the index, and what it holds on to.
    gc()
    const heapBefore = process.memoryUsage().heapUsed
    const rssBefore = process.memoryUsage().rss
    const files = new SearchIndexFiles(join(dir, 'search-indexes'))
    const search = new JournalSearch(journal, undefined, files)
    started = performance.now()
    await search.catchUp()
    const build = performance.now() - started
    gc()
    const heapAfter = process.memoryUsage().heapUsed
    const rssAfter = process.memoryUsage().rss
    console.log(
      `index ${search.size} entries (${ENTRIES * WORDS_PER_TRANSCRIPT} words): built in ${(build / 1000).toFixed(2)} s; ` +
        `heap +${mb(heapAfter - heapBefore)}, RSS +${mb(rssAfter - rssBefore)} (${machineLoad()})`
    )

    // 3. Queries, one after another as a window asks while typing.
    const queries = queriesOf(words, rand)
    const timings: { kind: string; ms: number; total: number }[] = []
    for (const { kind, query } of queries) {
      started = performance.now()
      const results = await search.search(query, 50)
      timings.push({ kind, ms: performance.now() - started, total: results.total })
    }
    const all = timings.map((t) => t.ms)
    console.log(
      `${timings.length} queries: median ${ms(median(all))}, p95 ${ms(percentile(all, 95))}, max ${ms(max(all))} ` +
        `(target median < 20 ms: ${verdict(median(all) < 20)}, p95 < 50 ms: ${verdict(percentile(all, 95) < 50)}; ${machineLoad()})`
    )
    for (const kind of [...new Set(timings.map((t) => t.kind))]) {
      const of = timings.filter((t) => t.kind === kind)
      console.log(
        `  ${kind.padEnd(11)} ×${String(of.length).padStart(2)}: median ${ms(median(of.map((t) => t.ms)))}, p95 ${ms(percentile(of.map((t) => t.ms), 95))}, ` +
          `median ${median(of.map((t) => t.total))} entries matched`
      )
    }

    // 4. Keeping up with changes: no rebuild, the diff since the version indexed.
    const target = listed[42]!
    await journal.renameEntry(target.path, 'Zanzibar notes')
    const corrected = flattenTranscript((await journal.getTranscript(target.path))!)
    corrected.sentences[0]!.words[0]!.text = 'Quixotic'
    corrected.sentences[0]!.text = corrected.sentences[0]!.words.map((w) => w.text).join(' ')
    await journal.saveTranscript(target.path, corrected.sentences)
    started = performance.now()
    const found = await search.search('quixotic zanzibar', 10)
    const catchUp = performance.now() - started
    if (found.hits[0]?.path !== target.path) throw new Error('the corrected, renamed entry was not found')
    console.log(`after a rename and a corrected transcript: the next search caught up and answered in ${ms(catchUp)} (${machineLoad()})`)

    // 5. Restarts. The file as the background write leaves it, then a fresh process per start.
    gc()
    const rssBeforeWrite = process.memoryUsage().rss
    started = performance.now()
    await search.flush()
    const write = performance.now() - started
    const peakWrite = process.resourceUsage().maxRSS * 1024 - rssBeforeWrite
    const size = (await stat(files.fileOf(journal.id))).size
    console.log(`index file ${mb(size)} (${(size / ENTRIES / 1024).toFixed(1)} kB an entry), written in ${(write / 1000).toFixed(2)} s (${machineLoad()})`)
    if (peakWrite > 0) console.log(`  the write raised this process's peak RSS by ${mb(peakWrite)}`)
    await search.close()
    await store.close()
    // One change while the app is stopped, for the load to catch up with.
    store = await JournalStore.open(dir)
    journal = await store.openOwn()
    await journal.renameEntry(listed[7]!.path, 'Marrakesh')
    await store.close()
    const restart = async (mode: 'build' | 'load'): Promise<StartFigures> => {
      const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/search-restart.ts', dir, mode, 'marrakesh'], { maxBuffer: 1 << 20 })
      const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as StartFigures
      if (figures.total !== 1) throw new Error(`the first search after a restart (${mode}) found ${figures.total} entries, not the one renamed`)
      return figures
    }
    const built = await restart('build')
    const loaded = await restart('load')
    if (loaded.from !== 'file') throw new Error('the index was not loaded from its file')
    const line = (what: string, f: StartFigures): string =>
      `  ${what.padEnd(28)} ${(f.ms / 1000).toFixed(2)} s; heap +${mb(f.heap)}, RSS +${mb(f.rss)}, peak RSS +${mb(f.peakRss)}`
    console.log(`first search after a restart (a fresh process, ${built.entries} entries; ${machineLoad()}):`)
    console.log(line('built from scratch:', built))
    console.log(line('loaded from file, caught up:', loaded))
    console.log(`  loading takes ${(loaded.ms / built.ms * 100).toFixed(0)} % of the build's time, ${(loaded.peakRss / built.peakRss * 100).toFixed(0)} % of its peak RSS`)
  } finally {
    await cleanup()
  }
}

await main()
