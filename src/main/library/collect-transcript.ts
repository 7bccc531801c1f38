import * as v from 'valibot'
import { TranscriptSchema } from '#shared/transcript'
import { transcriptPathOf } from '../journal/entry-path'
import type { Journal } from '../journal/journal'
import { logger } from '../app/logging'

const log = logger('collect')

/** How long the copy waits for a peer to send the transcript's blocks. */
const TRANSCRIPT_TIMEOUT_MS = 30_000

/**
 * Copies the transcript of `sourcePath` in `source`, if it has one, beside the collected entry at
 * `intoPath` in `into` (unless one is there already). Best effort: the entry is what is collected,
 * so a transcript that cannot be read now, or is not a transcript, is logged and left behind.
 */
export async function collectTranscript(source: Journal, sourcePath: string, into: Journal, intoPath: string): Promise<void> {
  try {
    if (await into.hasTranscript(intoPath)) return
    const bytes = await source.drive.get(transcriptPathOf(sourcePath), { timeout: TRANSCRIPT_TIMEOUT_MS })
    if (!bytes) return
    const checked = v.safeParse(TranscriptSchema, JSON.parse(bytes.toString('utf8')))
    if (!checked.success) throw new Error(`not a transcript: ${checked.issues[0].message}`)
    await into.putTranscript(intoPath, checked.output)
  } catch (error) {
    log.warn({ err: error, journal: source.id, path: sourcePath }, "an entry's transcript was not collected with it")
  }
}
