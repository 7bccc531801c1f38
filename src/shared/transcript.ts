/**
 * A transcript as Vonage delivers it and as the journal keeps it, beside its entry
 * (`/recordings/YYYY/MM/<id>.transcript.json`): `{ver, request_id, channels: [{duration, transcript:
 * [{sentence, raw_sentence, timestamp (ms), duration (ms), words: [{word, start_time (ms), end_time
 * (ms), confidence}]}]}]}`. Declared once with valibot (as every trust boundary): a transcript
 * downloaded from Vonage, read from a peer's journal or corrected in the window is checked here,
 * with bounds, before anything uses it. Objects are loose: Vonage may add fields.
 */
import * as v from 'valibot'

/** Bounds far above any real call (7,200 s at most): anything bigger is not a transcript. */
export const TRANSCRIPT_LIMITS = { sentences: 5_000, wordsPerSentence: 1_000, textChars: 10_000, wordChars: 200, maxMs: 24 * 3600 * 1000 } as const

const ms = v.pipe(v.number(), v.minValue(0), v.maxValue(TRANSCRIPT_LIMITS.maxMs))

export const TranscriptWordSchema = v.looseObject({
  word: v.pipe(v.string(), v.maxLength(TRANSCRIPT_LIMITS.wordChars)),
  start_time: ms,
  end_time: ms,
  confidence: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1)))
})

export const TranscriptSentenceSchema = v.looseObject({
  sentence: v.pipe(v.string(), v.maxLength(TRANSCRIPT_LIMITS.textChars)),
  raw_sentence: v.optional(v.pipe(v.string(), v.maxLength(TRANSCRIPT_LIMITS.textChars))),
  /** Start of the sentence in the recording, ms. */
  timestamp: ms,
  duration: ms,
  words: v.pipe(v.array(TranscriptWordSchema), v.maxLength(TRANSCRIPT_LIMITS.wordsPerSentence))
})

export const TranscriptChannelSchema = v.looseObject({
  /** Vonage's unit is unclear (seconds in its samples); not relied on. */
  duration: v.optional(v.number()),
  transcript: v.pipe(v.array(TranscriptSentenceSchema), v.maxLength(TRANSCRIPT_LIMITS.sentences))
})

export const TranscriptSchema = v.looseObject({
  ver: v.optional(v.string()),
  request_id: v.optional(v.string()),
  channels: v.pipe(v.array(TranscriptChannelSchema), v.minLength(1), v.maxLength(2))
})

export type Transcript = v.InferOutput<typeof TranscriptSchema>
export type TranscriptSentence = v.InferOutput<typeof TranscriptSentenceSchema>
export type TranscriptWord = v.InferOutput<typeof TranscriptWordSchema>
