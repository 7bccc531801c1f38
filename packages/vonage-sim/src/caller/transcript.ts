/**
 * Vonage's transcript JSON, as the simulator serves it for a transcribed recording:
 * `{ver, request_id, channels: [{duration (s), transcript: [{sentence, raw_sentence, timestamp (ms),
 * duration (ms), words: [{word, start_time (ms), end_time (ms), confidence}]}]}]}`. Times are from
 * the start of the recording.
 */
import { randomUUID } from 'node:crypto'

export interface SimTranscriptWord {
  word: string
  start_time: number
  end_time: number
  confidence: number
}

export interface SimTranscriptSentence {
  sentence: string
  raw_sentence: string
  timestamp: number
  duration: number
  words: SimTranscriptWord[]
}

export interface SimTranscript {
  ver: string
  request_id: string
  channels: Array<{ duration: number; transcript: SimTranscriptSentence[] }>
}

/** A sentence's words as written, without the punctuation around them. */
export function wordsOf(sentence: string): string[] {
  return sentence
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, ''))
    .filter((word) => word !== '')
}

/** What Vonage's `raw_sentence` holds: the words, lower case, no punctuation. */
export function rawSentence(words: string[]): string {
  return words.join(' ').toLowerCase()
}

/** A sentence from its timed words (its start, its length and its text come from them). */
export function timedSentence(sentence: string, words: SimTranscriptWord[]): SimTranscriptSentence {
  const start = words[0]?.start_time ?? 0
  const end = words.at(-1)?.end_time ?? start
  return { sentence, raw_sentence: rawSentence(words.map((word) => word.word)), timestamp: start, duration: end - start, words }
}

/** A transcript of `sentences` in a recording of `durationMs`. */
export function makeTranscript(sentences: SimTranscriptSentence[], durationMs: number): SimTranscript {
  return { ver: '1.0.0', request_id: randomUUID(), channels: [{ duration: Math.round(durationMs) / 1000, transcript: sentences }] }
}

/**
 * The transcript of the first `lengthMs` of the audio `full` transcribes (a recording cut short by
 * a key, a time-out or a hang-up): only words that began by then are heard, a word cut in the middle
 * ends there, and a sentence cut short holds only its words heard.
 */
export function cutTranscript(full: SimTranscript | undefined, lengthMs: number): SimTranscript {
  const sentences: SimTranscriptSentence[] = []
  for (const sentence of full?.channels[0]?.transcript ?? []) {
    const words = sentence.words.filter((word) => word.start_time < lengthMs).map((word) => ({ ...word, end_time: Math.min(word.end_time, lengthMs) }))
    if (words.length === 0) continue
    const whole = words.length === sentence.words.length && words.at(-1)!.end_time === sentence.words.at(-1)!.end_time
    sentences.push(whole ? sentence : timedSentence(words.map((word) => word.word).join(' '), words))
  }
  return makeTranscript(sentences, lengthMs)
}
