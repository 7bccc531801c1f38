import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { SearchService } from '../../src/main/search/search-service'
import { HELLO_MP3 } from '../helpers/fixtures'
import { connect, peersPerTest } from '../helpers/library-peer'
import { makeTranscript, writeTranscript } from '../helpers/transcripts'
import { waitFor } from '../helpers/wait-for'

// A peer's journal is searched from what has replicated: transcripts become searchable as they arrive.
describe('searching a followed journal', () => {
  const openPeer = peersPerTest()

  it('finds a followed journal’s transcripts as they replicate, and a later correction by its new words', async () => {
    const a = await openPeer()
    const b = await openPeer()
    const own = a.active
    const entry = await own.addAudioFile(HELLO_MP3, { source: 'record', id: 'lighthouse', madeAt: new Date('2026-05-01T09:00:00Z') })
    await writeTranscript(own, entry.path, makeTranscript(['The lighthouse keeper waved']))
    connect(a, b)
    await b.library.add(own.id)
    const followed = await b.library.whenReadable(own.id)
    const search = new SearchService()
    const found = async (query: string): Promise<string[]> => (await search.search(followed, query)).hits.map((hit) => hit.path)

    await waitFor(async () => (await found('lighthouse')).length === 1, 'B finds the word A’s transcript says')
    const later = await own.addAudioFile(HELLO_MP3, { source: 'record', id: 'storm', madeAt: new Date('2026-05-02T09:00:00Z') })
    await writeTranscript(own, later.path, makeTranscript(['A storm is coming']))
    await waitFor(async () => (await found('storm')).length === 1, 'a later transcript is searchable once it replicates')
    await own.saveTranscript(later.path, [{ text: 'A squall is coming', startMs: 0, endMs: 1900, words: ['A', 'squall', 'is', 'coming'].map((text, i) => ({ text, startMs: i * 500, endMs: i * 500 + 400 })) }])
    await waitFor(async () => (await found('squall')).length === 1, 'the correction replicates into the index')
    assert.deepEqual(await found('storm'), [])
    assert.deepEqual((await followed.listEntries()).map((e) => [e.path, e.hasTranscript]), [
      [later.path, true],
      [entry.path, true]
    ])
  })
})
