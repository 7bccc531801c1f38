import type { TranscriptSentenceDto, TranscriptWordDto } from '#shared/transcript-dto'

/**
 * A sentence as corrected in the window: its new text becomes its words, and the times stay.
 * With as many words as before, each new word takes the time of the word it replaces; otherwise
 * (words merged, split, added) the sentence's span is shared out by the words' lengths, so every
 * word can still be clicked to play close to where it is said.
 */
export function correctSentence(sentence: TranscriptSentenceDto, text: string): TranscriptSentenceDto {
  const clean = text.replace(/\s+/g, ' ').trim()
  if (clean === sentence.text.trim()) return sentence
  const texts = clean === '' ? [] : clean.split(' ')
  const words: TranscriptWordDto[] =
    texts.length === sentence.words.length
      ? sentence.words.map((word, index) => ({ ...word, text: texts[index]! }))
      : shareOut(texts, sentence.startMs, sentence.endMs)
  return { ...sentence, text: clean, words }
}

function shareOut(texts: string[], startMs: number, endMs: number): TranscriptWordDto[] {
  const total = texts.reduce((sum, word) => sum + word.length, 0)
  const span = Math.max(0, endMs - startMs)
  let at = startMs
  return texts.map((text) => {
    const length = total === 0 ? 0 : Math.round((span * text.length) / total)
    const word = { text, startMs: at, endMs: Math.min(endMs, at + length) }
    at = word.endMs
    return word
  })
}

/** The sentence playing at `ms`: the last one started by then (between sentences, the one before). */
export function sentenceAt(sentences: TranscriptSentenceDto[], ms: number): number {
  let low = 0
  let high = sentences.length - 1
  let found = -1
  while (low <= high) {
    const middle = (low + high) >> 1
    if (sentences[middle]!.startMs <= ms) {
      found = middle
      low = middle + 1
    } else {
      high = middle - 1
    }
  }
  return found
}
