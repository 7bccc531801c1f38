import type { Journal } from '../../src/main/journal/journal'
import { transcriptPathOf } from '../../src/main/journal/entry-path'
import { transcriptFileMetadata } from '../../src/main/journal/transcript-file'
import type { Transcript } from '#shared/transcript'

/** How long each made-up word lasts, and the pause after it. */
const WORD_MS = 400
const GAP_MS = 100

/**
 * Vonage's transcript JSON for sentences of words, each word WORD_MS long with a short gap, the
 * first starting at `startMs`: times a test can predict without audio.
 */
export function makeTranscript(sentences: string[], startMs = 0): Transcript {
  let at = startMs
  return {
    ver: '1.0.0',
    request_id: 'test-request',
    channels: [
      {
        duration: 0,
        transcript: sentences.map((sentence) => {
          const timestamp = at
          const words = sentence.split(/\s+/).map((word) => {
            const timed = { word, start_time: at, end_time: at + WORD_MS, confidence: 0.9 }
            at += WORD_MS + GAP_MS
            return timed
          })
          return { sentence, raw_sentence: sentence.toLowerCase(), timestamp, duration: at - timestamp, words }
        })
      }
    ]
  }
}

/** Where word `index` (counted over the whole transcript) of `makeTranscript(…, startMs)` starts. */
export function madeWordStartMs(index: number, startMs = 0): number {
  return startMs + index * (WORD_MS + GAP_MS)
}

/**
 * Writes a transcript beside an entry as the transcription intake does: the file at
 * transcriptPathOf(entry), Vonage's JSON, with the metadata every transcript carries.
 */
export async function writeTranscript(journal: Journal, entryPath: string, transcript: unknown): Promise<void> {
  const metadata = typeof transcript === 'object' && transcript && 'channels' in transcript ? transcriptFileMetadata(transcript as Transcript) : { mtime: Date.now(), source: 'transcript' }
  await journal.drive.put(transcriptPathOf(entryPath), Buffer.from(typeof transcript === 'string' ? transcript : JSON.stringify(transcript)), { metadata })
}
