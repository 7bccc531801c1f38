import { strict as assert } from 'node:assert'
import { copyFile, readFile, stat, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Journal } from '../../src/main/journal/journal'
import { JournalStore } from '../../src/main/journal/journal-store'
import { JournalKeys } from '../../src/main/library/journal-keys'
import { SearchService } from '../../src/main/search/search-service'
import { AppServices } from '../../src/main/app/app-services'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import { HELLO_MP3 } from '../helpers/fixtures'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { makeTranscript, writeTranscript } from '../helpers/transcripts'

const BOATS = '/recordings/2026/03/boats.mp3'
const GARDEN = '/recordings/2026/03/garden.mp3'
const KITCHEN = '/recordings/2026/03/kitchen.mp3'
const QUERIES = ['harbour', 'gulls', 'tomat', 'garden', 'kitchen harb', 'ha', 'zebra']

/** One run of the app as far as search goes: the store on a data directory, the journal, the search service. */
interface Run {
  store: JournalStore
  journal: Journal
  service: SearchService
  indexFile: string
}

async function start(dir: string, readKey: Buffer | null = null): Promise<Run> {
  const store = await JournalStore.open(dir)
  const journal = await store.openOwn('default', readKey)
  const service = new SearchService({ dir: join(dir, 'search-indexes') })
  return { store, journal, service, indexFile: join(dir, 'search-indexes', `${journal.id}.ndjson`) }
}

async function stop(run: Run): Promise<void> {
  await run.service.close()
  await run.store.close()
}

async function addEntry(journal: Journal, id: string, sentences: string[] | null, title?: string): Promise<string> {
  const entry = await journal.addAudioFile(HELLO_MP3, { source: 'record', id, madeAt: new Date('2026-03-05T10:00:00Z'), ...(title ? { title } : {}) })
  if (sentences) await writeTranscript(journal, entry.path, makeTranscript(sentences))
  return entry.path
}

async function fill(journal: Journal): Promise<void> {
  await addEntry(journal, 'boats', ['The boats came into the harbour', 'Gulls were everywhere'])
  await addEntry(journal, 'garden', ['Tomatoes in the garden are ripe'], 'Garden notes')
  await addEntry(journal, 'kitchen', null, 'Kitchen harbour plans')
}

/** Every query's results, in full (paths, snippets, times, totals). */
async function answers(run: Run, queries = QUERIES): Promise<unknown[]> {
  const out = []
  for (const query of queries) out.push(await run.service.search(run.journal, query))
  return out
}

const paths = async (run: Run, query: string): Promise<string[]> => (await run.service.search(run.journal, query)).hits.map((hit) => hit.path).sort()

/** Builds the index with a first search and writes its file (what the debounced write does in the background). */
async function searchAndSave(run: Run): Promise<unknown[]> {
  const before = await answers(run)
  await run.service.of(run.journal).flush()
  await stat(run.indexFile)
  return before
}

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777

describe('the search index kept between runs', () => {
  let dir: string
  let cleanup: () => Promise<void>
  const running: Run[] = []
  const open = async (readKey: Buffer | null = null): Promise<Run> => {
    const run = await start(dir, readKey)
    running.push(run)
    return run
  }
  const close = async (run: Run): Promise<void> => {
    running.splice(running.indexOf(run), 1)
    await stop(run)
  }
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir('search-restart-')))
  afterEach(async () => {
    for (const run of running.splice(0)) await stop(run).catch(() => {})
    await cleanup()
  })

  it('answers the first search after a restart from its file, exactly as before the restart; the file is 0600', async () => {
    const first = await open()
    await fill(first.journal)
    const before = await searchAndSave(first)
    assert.equal(first.service.of(first.journal).startedFrom, 'journal')
    if (process.platform !== 'win32') assert.equal(await modeOf(first.indexFile), 0o600)
    await close(first)

    const second = await open()
    assert.deepEqual(await answers(second), before)
    assert.equal(second.service.of(second.journal).startedFrom, 'file', 'loaded, not built again')
  })

  it('catches up at the first search after a restart with what changed while the app was stopped', async () => {
    const first = await open()
    await fill(first.journal)
    await searchAndSave(first)
    await close(first)

    // The journal changes in a run that never searches (the window never opened the search box).
    const between = await open()
    const practice = await addEntry(between.journal, 'practice', ['Violin practice went well'])
    await between.journal.renameEntry(GARDEN, 'Allotment')
    await between.journal.deleteEntry(BOATS)
    await between.journal.saveTranscript(GARDEN, [
      { text: 'Courgettes everywhere', startMs: 0, endMs: 900, words: [{ text: 'Courgettes', startMs: 0, endMs: 400 }, { text: 'everywhere', startMs: 500, endMs: 900 }] }
    ])
    await close(between)

    const last = await open()
    assert.deepEqual(await paths(last, 'violin'), [practice], 'an entry added')
    assert.deepEqual(await paths(last, 'allotment'), [GARDEN], 'an entry renamed')
    assert.deepEqual(await paths(last, 'notes'), [], 'its old title is gone')
    assert.deepEqual(await paths(last, 'gulls'), [], 'an entry deleted')
    assert.deepEqual(await paths(last, 'courgettes'), [GARDEN], 'a transcript corrected, by its new words')
    assert.deepEqual(await paths(last, 'tomatoes'), [], 'and no longer by its old ones')
    assert.equal((await last.service.search(last.journal, 'everywhere')).hits[0]!.startMs, 500)
    assert.deepEqual(await paths(last, 'harbour'), [KITCHEN])
    assert.equal(last.service.of(last.journal).startedFrom, 'file', 'caught up from the file, not built again')
  })

  const damages: Array<[string, (file: string, run: Run) => Promise<void>]> = [
    ['cut in half', async (file) => truncate(file, Math.floor((await stat(file)).size / 2))],
    [
      'one byte changed in the middle',
      async (file) => {
        const bytes = await readFile(file)
        const at = Math.floor(bytes.length / 2)
        bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31
        await writeFile(file, bytes)
      }
    ],
    ['not JSON at all', (file) => writeFile(file, 'garbage\n')],
    ['empty', (file) => writeFile(file, '')],
    [
      'of an older format',
      async (file) => {
        const text = await readFile(file, 'utf8')
        await writeFile(file, text.replace('"format":1', '"format":0'))
      }
    ],
    [
      'another journal’s',
      async (file, run) => {
        const other = await run.store.openOwn('other')
        await addEntry(other, 'elsewhere', ['Nothing about boats'])
        const service = new SearchService({ dir: join(dir, 'search-indexes') })
        await service.search(other, 'boats')
        await service.of(other).flush()
        await copyFile(join(dir, 'search-indexes', `${other.id}.ndjson`), file)
        await service.close()
      }
    ]
  ]
  for (const [damage, apply] of damages) {
    it(`builds the index from the journal when its file is ${damage}, and writes a good one`, async () => {
      const first = await open()
      await fill(first.journal)
      const before = await searchAndSave(first)
      await apply(first.indexFile, first)
      await close(first)

      const second = await open()
      assert.deepEqual(await answers(second), before)
      assert.equal(second.service.of(second.journal).startedFrom, 'journal')
      await second.service.of(second.journal).flush()
      await close(second)

      const third = await open()
      assert.deepEqual(await answers(third), before)
      assert.equal(third.service.of(third.journal).startedFrom, 'file', 'the rebuilt index was written again')
    })
  }

  it('seals a private journal’s index with its read key: no word in the clear, the same answers after a restart', async () => {
    const readKey = JournalKeys.generate()
    const first = await open(readKey)
    await fill(first.journal)
    const before = await searchAndSave(first)
    const bytes = await readFile(first.indexFile)
    for (const word of ['gulls', 'tomatoes', 'harbour', 'garden']) assert.equal(bytes.includes(word), false, `"${word}" is not in the file`)
    if (process.platform !== 'win32') assert.equal(await modeOf(first.indexFile), 0o600)
    await close(first)

    const second = await open(readKey)
    assert.deepEqual(await answers(second), before)
    assert.equal(second.service.of(second.journal).startedFrom, 'file')
  })

  it('refuses a private journal’s sealed index with one byte changed', async () => {
    const readKey = JournalKeys.generate()
    const first = await open(readKey)
    await fill(first.journal)
    const before = await searchAndSave(first)
    const bytes = await readFile(first.indexFile)
    bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 1
    await writeFile(first.indexFile, bytes)
    await close(first)

    const second = await open(readKey)
    assert.deepEqual(await answers(second), before)
    assert.equal(second.service.of(second.journal).startedFrom, 'journal')
  })
})

describe('a journal’s search index in the app', () => {
  it('is written 0600 in the data directory and deleted when the journal leaves the library', async () => {
    const { dir, cleanup } = await makeTempDir('search-remove-')
    const { testnet, bootstrap } = await startTestnet()
    try {
      const services = await AppServices.boot({ dataDir: dir, bootstrap: parseBootstrap(bootstrap), env: {} })
      try {
        const item = await services.api.createJournal({ name: 'Diary', private: true })
        const journal = services.library.journal(item.key)
        await addEntry(journal, 'lighthouse', ['The lighthouse keeper waved'])
        assert.equal((await services.api.searchJournal({ journal: item.key, query: 'lighthouse' })).total, 1)
        await services.search.of(journal).flush()
        const file = join(dir, 'search-indexes', `${journal.id}.ndjson`)
        if (process.platform !== 'win32') assert.equal(await modeOf(file), 0o600)
        await services.api.removeFromLibrary({ journal: item.key, confirmWritable: true })
        await assert.rejects(stat(file), { code: 'ENOENT' })
      } finally {
        await services.shutdown()
      }
    } finally {
      await testnet.destroy()
      await cleanup()
    }
  })
})
