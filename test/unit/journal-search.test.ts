import { strict as assert } from 'node:assert'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { Journal } from '../../src/main/journal/journal'
import { JournalSearch } from '../../src/main/search/journal-search'
import { SearchService } from '../../src/main/search/search-service'
import { HELLO_MP3 } from '../helpers/fixtures'
import { openTempJournal } from '../helpers/journal-fixture'
import { madeWordStartMs, makeTranscript, writeTranscript } from '../helpers/transcripts'

const BOATS = '/recordings/2026/03/boats.mp3'
const GARDEN = '/recordings/2026/03/garden.mp3'
const KITCHEN = '/recordings/2026/03/kitchen.mp3'

async function addEntry(journal: Journal, id: string, sentences: string[] | null, title?: string): Promise<string> {
  const entry = await journal.addAudioFile(HELLO_MP3, { source: 'record', id, madeAt: new Date('2026-03-05T10:00:00Z'), ...(title ? { title } : {}) })
  if (sentences) await writeTranscript(journal, entry.path, makeTranscript(sentences))
  return entry.path
}

const paths = async (search: JournalSearch, query: string): Promise<string[]> => (await search.search(query, 50)).hits.map((hit) => hit.path).sort()

describe('searching a journal', () => {
  let fixture: Awaited<ReturnType<typeof openTempJournal>>
  let search: JournalSearch
  beforeEach(async () => {
    fixture = await openTempJournal()
    await addEntry(fixture.journal, 'boats', ['The boats came into the harbour', 'Gulls were everywhere'])
    await addEntry(fixture.journal, 'garden', ['Tomatoes in the garden are ripe'], 'Garden notes')
    await addEntry(fixture.journal, 'kitchen', null, 'Kitchen harbour plans')
    search = new SearchService().of(fixture.journal)
  })
  afterEach(() => fixture.cleanup())

  it('finds words of titles and transcripts, with where the first matching word is said and a snippet', async () => {
    const results = await search.search('gulls', 10)
    assert.equal(results.total, 1)
    const [hit] = results.hits
    assert.equal(hit!.path, BOATS)
    assert.equal(hit!.in, 'transcript')
    assert.equal(hit!.startMs, madeWordStartMs(6))
    assert.deepEqual(hit!.terms, ['gulls'])
    assert.ok(hit!.snippet.some((part) => part.match && part.text === 'Gulls'), JSON.stringify(hit!.snippet))
    assert.deepEqual(await paths(search, 'harbour'), [BOATS, KITCHEN], 'a title and a transcript')
    const title = (await search.search('kitchen', 10)).hits[0]!
    assert.equal(title.in, 'title')
    assert.equal(title.startMs, undefined)
  })

  it('matches the last word as a prefix (typing), every word must match, and nothing matches nothing', async () => {
    assert.deepEqual(await paths(search, 'tomat'), [GARDEN])
    assert.deepEqual(await paths(search, 'harbour gul'), [BOATS])
    assert.deepEqual(await paths(search, 'zebra'), [])
    assert.deepEqual(await paths(search, '  ,. '), [])
    assert.equal((await search.search('HARBOUR', 10)).total, 2, 'case does not matter')
  })

  it('follows the journal: entries added, renamed and deleted, transcripts added and corrected', async () => {
    const { journal } = fixture
    assert.deepEqual(await paths(search, 'violin'), [])
    const practice = await addEntry(journal, 'practice', ['Violin practice went well'])
    assert.deepEqual(await paths(search, 'violin'), [practice], 'a new entry with its transcript')
    await journal.renameEntry(GARDEN, 'Allotment')
    assert.deepEqual(await paths(search, 'allotment'), [GARDEN], 'a rename')
    assert.deepEqual(await paths(search, 'notes'), [], 'the old title is gone')
    await writeTranscript(journal, KITCHEN, makeTranscript(['New cupboards by spring']))
    assert.deepEqual(await paths(search, 'cupboards'), [KITCHEN], 'a transcript that came later')
    await journal.saveTranscript(BOATS, [{ text: 'The ferries came in', startMs: 0, endMs: 1900, words: [{ text: 'The', startMs: 0, endMs: 400 }, { text: 'ferries', startMs: 500, endMs: 900 }, { text: 'came', startMs: 1000, endMs: 1400 }, { text: 'in', startMs: 1500, endMs: 1900 }] }])
    assert.deepEqual(await paths(search, 'ferries'), [BOATS], 'a corrected transcript is found by its new words')
    assert.deepEqual(await paths(search, 'gulls'), [], 'and no longer by the old ones')
    assert.equal((await search.search('ferries', 5)).hits[0]!.startMs, 500)
    await journal.deleteEntry(BOATS)
    assert.deepEqual(await paths(search, 'ferries'), [], 'a deleted entry leaves the index')
  })

  it('searches an older version as it was', async () => {
    const { journal } = fixture
    const version = journal.drive.version
    await journal.deleteEntry(GARDEN)
    const old = new SearchService().of(journal, version)
    assert.deepEqual(await paths(old, 'tomatoes'), [GARDEN])
    assert.deepEqual(await paths(search, 'tomatoes'), [])
  })

  it('leaves out a transcript that is not one, and still finds the entry by its title', async () => {
    await writeTranscript(fixture.journal, GARDEN, '{"channels": "nope"}')
    assert.deepEqual(await paths(search, 'tomatoes'), [])
    assert.deepEqual(await paths(search, 'garden'), [GARDEN])
  })
})

describe('keeping a larger journal’s index up to date', () => {
  it('takes in 300 transcripts of varied words at once (MiniSearch’s background vacuum used to crash on this)', async () => {
    const fixture = await openTempJournal()
    try {
      const { journal } = fixture
      const audio = Buffer.alloc(64, 1)
      const paths300 = Array.from({ length: 300 }, (_, i) => `/recordings/2026/04/many-${i}.mp3`)
      for (const [i, path] of paths300.entries()) await journal.drive.put(path, audio, { metadata: { mtime: i, durationMs: 1000, format: 'mp3', source: 'record' } })
      const search = new SearchService().of(journal)
      assert.equal((await search.search('many', 5)).total, 0, 'built from the entries alone')
      // Every transcript replaces its entry's document (discarding the old one) while new words
      // keep splitting the term tree: what broke the background vacuum's walk of it.
      const word = (i: number, j: number): string => ((i * 7919 + j * 104_729) % 46_656).toString(36).padStart(3, 'q')
      for (const [i, path] of paths300.entries()) await writeTranscript(journal, path, makeTranscript([Array.from({ length: 60 }, (_, j) => word(i, j)).join(' ')]))
      assert.equal((await search.search(word(123, 7), 5)).hits[0]!.path, paths300[123])
      await journal.renameEntry(paths300[5]!, 'Quayside')
      assert.deepEqual(await paths(search, 'quayside'), [paths300[5]])
      assert.equal(search.size, 300)
    } finally {
      await fixture.cleanup()
    }
  })
})
