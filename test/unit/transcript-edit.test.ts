import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { TranscriptSentenceDto } from '#shared/transcript-dto'
import { correctSentence, sentenceAt } from '../../src/renderer/src/format/transcript-edit'

const SENTENCE: TranscriptSentenceDto = {
  text: 'We walked to the hill',
  startMs: 1000,
  endMs: 3400,
  words: ['We', 'walked', 'to', 'the', 'hill'].map((text, i) => ({ text, startMs: 1000 + i * 500, endMs: 1400 + i * 500 }))
}

describe('correcting a sentence in the window', () => {
  it('keeps each word’s time when the words are as many as before', () => {
    const corrected = correctSentence(SENTENCE, 'We walked to the  mill ')
    assert.equal(corrected.text, 'We walked to the mill')
    assert.deepEqual(corrected.words[4], { text: 'mill', startMs: 3000, endMs: 3400 })
    assert.deepEqual(corrected.words.slice(0, 4), SENTENCE.words.slice(0, 4))
  })

  it('shares the sentence’s span out by length when words were added or merged, within its start and end', () => {
    const corrected = correctSentence(SENTENCE, 'We walked up to the old mill')
    assert.equal(corrected.words.length, 7)
    assert.equal(corrected.words[0]!.startMs, 1000)
    assert.ok(corrected.words.at(-1)!.endMs <= 3400)
    for (let i = 1; i < corrected.words.length; i++) assert.ok(corrected.words[i]!.startMs >= corrected.words[i - 1]!.startMs)
    assert.deepEqual(correctSentence(SENTENCE, '   ').words, [], 'a sentence emptied has no words')
  })

  it('leaves an unchanged sentence as it was', () => {
    assert.equal(correctSentence(SENTENCE, ' We walked to the hill '), SENTENCE)
  })

  it('finds the sentence being said at a time: the last one started by then', () => {
    const sentences = [0, 2000, 5000].map((startMs) => ({ ...SENTENCE, startMs }))
    assert.deepEqual([-1, 0, 1999, 2000, 4999, 9000].map((ms) => sentenceAt(sentences, ms)), [-1, 0, 0, 1, 1, 2])
  })
})
