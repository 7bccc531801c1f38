/**
 * An entry's transcript as a file of the journal: reading it (checked with the one schema, so a
 * peer's broken or hostile file is refused, never shown), flattening it for the window, and
 * writing a corrected one. The file is Vonage's transcript JSON either way.
 */
import * as v from 'valibot'
import { TranscriptSchema, type Transcript, type TranscriptSentence } from '#shared/transcript'
import type { TranscriptDto, TranscriptSentenceDto } from '#shared/transcript-dto'

/** Largest transcript file read: 5,000 sentences of long words fit well under it. */
export const TRANSCRIPT_MAX_BYTES = 8 * 1024 * 1024
/** How much of the first sentence an entry keeps in the transcript's metadata, for its title. */
export const FIRST_SENTENCE_CHARS = 160

/** What a transcript's record in the drive carries besides its bytes; listing reads it for free. */
export interface TranscriptFileMetadata {
  mtime: number
  source: 'transcript'
  /** The start of the first sentence: an untitled entry is shown by it, without reading the file. */
  firstSentence?: string
  /** Set when the words were corrected by hand. */
  corrected?: true
}

export type TranscriptParse = { transcript: Transcript } | { error: string }

/** Bytes of a transcript file → the transcript, or why it is not one. */
export function parseTranscript(bytes: Buffer | null): TranscriptParse {
  if (!bytes) return { error: 'no file' }
  if (bytes.byteLength > TRANSCRIPT_MAX_BYTES) return { error: `larger than ${TRANSCRIPT_MAX_BYTES} bytes` }
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch {
    return { error: 'not JSON' }
  }
  const checked = v.safeParse(TranscriptSchema, json)
  return checked.success ? { transcript: checked.output } : { error: v.summarize(checked.issues) }
}

/** Channel 0, sentence by sentence, as the window and the search index use it. */
export function flattenTranscript(transcript: Transcript): TranscriptDto {
  const sentences = transcript.channels[0]?.transcript ?? []
  return { sentences: sentences.map(flattenSentence).filter((sentence) => sentence.words.length > 0 || sentence.text !== '') }
}

function flattenSentence(sentence: TranscriptSentence): TranscriptSentenceDto {
  const words = sentence.words.map((word) => ({ text: word.word, startMs: word.start_time, endMs: Math.max(word.start_time, word.end_time) }))
  const startMs = words[0]?.startMs ?? sentence.timestamp
  const endMs = Math.max(sentence.timestamp + sentence.duration, words.at(-1)?.endMs ?? 0)
  return { text: sentence.sentence || words.map((word) => word.text).join(' '), startMs, endMs, words }
}

/** The metadata a transcript file is written with (whoever writes it: intake or a correction). */
export function transcriptFileMetadata(transcript: Transcript, options: { mtime?: number; corrected?: boolean } = {}): TranscriptFileMetadata {
  const first = flattenTranscript(transcript).sentences[0]?.text.trim()
  return {
    mtime: options.mtime ?? Date.now(),
    source: 'transcript',
    ...(first ? { firstSentence: clip(first, FIRST_SENTENCE_CHARS) } : {}),
    ...(options.corrected ? { corrected: true } : {})
  }
}

/**
 * The transcript the window's sentences describe, in Vonage's layout. Fields Vonage added that we
 * do not know (request id, confidence of words left as they were) are kept from `previous`; a
 * word whose text changed loses its confidence, since nobody measured it.
 */
export function correctedTranscript(previous: Transcript | null, sentences: TranscriptSentenceDto[]): Transcript {
  const before = previous?.channels[0]?.transcript ?? []
  const channel = {
    ...(previous?.channels[0] ?? {}),
    transcript: sentences.map((sentence, s) => {
      const old = before[s]
      return {
        sentence: sentence.text,
        raw_sentence: sentence.text,
        timestamp: sentence.startMs,
        duration: Math.max(0, sentence.endMs - sentence.startMs),
        words: sentence.words.map((word, w) => {
          const oldWord = old?.words[w]
          const same = oldWord && oldWord.word === word.text && oldWord.start_time === word.startMs
          return {
            word: word.text,
            start_time: word.startMs,
            end_time: word.endMs,
            ...(same && oldWord.confidence !== undefined ? { confidence: oldWord.confidence } : {})
          }
        })
      }
    })
  }
  return { ...(previous ?? {}), channels: [channel, ...(previous?.channels.slice(1) ?? [])] }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`
}
