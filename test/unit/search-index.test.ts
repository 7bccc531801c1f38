import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { TranscriptDto } from '#shared/transcript-dto'
import { JournalSearchIndex } from '../../src/main/search/journal-search-index'

function spoken(...sentences: string[]): TranscriptDto {
  let at = 0
  return {
    sentences: sentences.map((text) => {
      const words = text.split(' ').map((word) => ({ text: word, startMs: (at += 500), endMs: at + 400 }))
      return { text, startMs: words[0]!.startMs, endMs: words.at(-1)!.endMs, words }
    })
  }
}

const A = '/recordings/2026/01/a.mp3'
const B = '/recordings/2026/01/b.wav'

describe('the search index', () => {
  it('finds words whatever their case, accents and punctuation, and marks them in a snippet with their times', () => {
    const index = new JournalSearchIndex()
    index.setEntry(A, undefined)
    index.setTranscript(A, spoken('We met at the Café, near Zürich.', 'Then home.'))
    const [hit] = index.search('cafe zurich', 10).hits
    assert.equal(hit!.path, A)
    assert.deepEqual(hit!.terms.sort(), ['cafe', 'zurich'])
    assert.equal(hit!.startMs, 2500)
    assert.deepEqual(
      hit!.snippet.filter((part) => part.match),
      [
        { text: 'Café,', match: true, startMs: 2500 },
        { text: 'Zürich.', match: true, startMs: 3500 }
      ]
    )
  })

  it('completes a half-typed last word, and only the last', () => {
    const index = new JournalSearchIndex()
    index.setEntry(A, 'Harbour')
    index.setTranscript(A, spoken('The lighthouse keeper waved'))
    index.setEntry(B, undefined)
    index.setTranscript(B, spoken('A light rain fell'))
    assert.deepEqual(index.search('ligh', 10).hits.map((h) => h.path).sort(), [A, B])
    assert.deepEqual(index.search('lighth', 10).hits.map((h) => h.path), [A])
    assert.deepEqual(index.search('ligh rain', 10).hits.map((h) => h.path), [], 'an earlier word must be whole')
    assert.deepEqual(index.search('harb', 10).hits.map((h) => h.in), ['title'])
  })

  it('indexes a transcript that came before its entry once the entry arrives, and forgets a removed entry', () => {
    const index = new JournalSearchIndex()
    index.setTranscript(B, spoken('Early words'))
    assert.equal(index.search('early', 10).total, 0)
    index.setEntry(B, undefined)
    assert.equal(index.search('early', 10).total, 1)
    index.removeEntry(B)
    assert.equal(index.search('early', 10).total, 0)
    assert.equal(index.size, 0)
  })
})
