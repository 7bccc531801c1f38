/**
 * How text becomes search terms: one definition shared by the index (MiniSearch's tokenizer and
 * term processor) and by the code that finds the matched word in a transcript, so a word the
 * index matched is always found again in the words it came from.
 */

/** Spaces and punctuation of any script split words (as MiniSearch's own tokenizer does). */
const SEPARATORS = /[\n\r\p{Z}\p{P}\p{S}]+/u
const PLAIN = /^[a-z0-9]*$/
const MARKS = /\p{M}/gu

export function tokenize(text: string): string[] {
  return text.split(SEPARATORS).filter((token) => token !== '')
}

/** Lower case without accents, so "Café" is found by "cafe"; plain ASCII (most words) takes the fast way. */
export function normalizeTerm(term: string): string {
  const lower = term.toLowerCase()
  return PLAIN.test(lower) ? lower : lower.normalize('NFKD').replace(MARKS, '')
}

/** The terms of a piece of text, in order. */
export function termsOf(text: string): string[] {
  return tokenize(text).map(normalizeTerm).filter((term) => term !== '')
}
