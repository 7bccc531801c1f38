import type { SnippetPart, TranscriptDto } from '#shared/transcript-dto'
import { termsOf } from '#shared/search-terms'

/** Words either side of the first match in a snippet. */
const SNIPPET_WORDS_BEFORE = 6
const SNIPPET_WORDS_AFTER = 14

/**
 * An entry's transcript as the search keeps it: every word's text in one string with its offsets
 * and start times in typed arrays. 10,000 entries of 200 words are two million words; as strings
 * and objects each they would cost several times the memory of this layout.
 */
export class TranscriptWords {
  private constructor(
    /** The words joined by single spaces. */
    private readonly text: string,
    /** Where each word starts in `text`; one more entry marks the end. */
    private readonly offsets: Uint32Array,
    private readonly startTimes: Uint32Array
  ) {}

  static of(transcript: TranscriptDto): TranscriptWords {
    const words = transcript.sentences.flatMap((sentence) => sentence.words)
    const offsets = new Uint32Array(words.length + 1)
    const startTimes = new Uint32Array(words.length)
    let at = 0
    words.forEach((word, index) => {
      offsets[index] = at
      startTimes[index] = Math.round(word.startMs)
      at += word.text.length + 1
    })
    offsets[words.length] = at
    return new TranscriptWords(words.map((word) => word.text).join(' '), offsets, startTimes)
  }

  /** As the index file keeps it: the text, and start times as base64 (offsets follow from the spaces when no word holds one). */
  toRecord(): TranscriptWordsRecord {
    const plain = this.text.split(' ').length === this.length
    return {
      text: this.text,
      starts: base64Of(this.startTimes),
      ...(plain ? {} : { offsets: base64Of(this.offsets) })
    }
  }

  /** Back from `toRecord`; throws when the record does not hold together (a damaged file). */
  static fromRecord(record: TranscriptWordsRecord): TranscriptWords {
    if (typeof record.text !== 'string' || typeof record.starts !== 'string') throw new Error('not a transcript record')
    const startTimes = uint32sOf(record.starts)
    let offsets: Uint32Array
    if (typeof record.offsets === 'string') {
      offsets = uint32sOf(record.offsets)
    } else {
      offsets = new Uint32Array(startTimes.length + 1)
      let at = 0
      let index = 0
      for (const word of startTimes.length === 0 ? [] : record.text.split(' ')) {
        offsets[index++] = at
        at += word.length + 1
      }
      offsets[index] = at
      if (index !== startTimes.length) throw new Error('a transcript record whose words and times differ in number')
    }
    if (offsets.length !== startTimes.length + 1) throw new Error('a transcript record whose words and times differ in number')
    return new TranscriptWords(record.text, offsets, startTimes)
  }

  /** All the words as one text, for the index. */
  get fullText(): string {
    return this.text
  }

  get length(): number {
    return this.startTimes.length
  }

  word(index: number): string {
    return this.text.slice(this.offsets[index], this.offsets[index + 1]! - 1)
  }

  startMs(index: number): number {
    return this.startTimes[index]!
  }

  /** The first word that holds one of `terms` (as the index normalises them), or -1. */
  firstMatch(terms: ReadonlySet<string>): number {
    for (let index = 0; index < this.length; index++) {
      if (matches(this.word(index), terms)) return index
    }
    return -1
  }

  /** A few words around word `at`, every matching word marked. */
  snippet(at: number, terms: ReadonlySet<string>): SnippetPart[] {
    const from = Math.max(0, at - SNIPPET_WORDS_BEFORE)
    const to = Math.min(this.length, at + SNIPPET_WORDS_AFTER + 1)
    const words = Array.from({ length: to - from }, (_, i) => this.word(from + i))
    return markMatches(words, terms, from > 0, to < this.length, (i) => this.startMs(from + i))
  }
}

export interface TranscriptWordsRecord {
  text: string
  starts: string
  offsets?: string
}

function base64Of(values: Uint32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64')
}

/** Copied into a fresh, aligned array: a Buffer from base64 may start at any byte of a shared pool. */
function uint32sOf(base64: string): Uint32Array {
  const bytes = Buffer.from(base64, 'base64')
  if (bytes.length % 4 !== 0) throw new Error('a damaged number array')
  const values = new Uint32Array(bytes.length / 4)
  Buffer.from(values.buffer).set(bytes)
  return values
}

export function matches(word: string, terms: ReadonlySet<string>): boolean {
  return termsOf(word).some((term) => terms.has(term))
}

/** Words as snippet parts: runs of plain words merged, matches on their own; `…` where text was cut. */
export function markMatches(
  words: string[],
  terms: ReadonlySet<string>,
  cutBefore = false,
  cutAfter = false,
  startMsOf?: (index: number) => number
): SnippetPart[] {
  const parts: SnippetPart[] = []
  let plain: string[] = cutBefore ? ['…'] : []
  const flush = (): void => {
    if (plain.length > 0) parts.push({ text: `${plain.join(' ')} ` })
    plain = []
  }
  for (const [index, word] of words.entries()) {
    if (matches(word, terms)) {
      flush()
      parts.push({ text: word, match: true, ...(startMsOf ? { startMs: startMsOf(index) } : {}) }, { text: ' ' })
    } else {
      plain.push(word)
    }
  }
  if (cutAfter) plain.push('…')
  flush()
  // The last part's trailing space is not text.
  const last = parts.at(-1)
  if (last && !last.match) {
    last.text = last.text.trimEnd()
    if (last.text === '') parts.pop()
  }
  return parts
}
