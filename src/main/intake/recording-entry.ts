import { entryPath } from '../journal/entry-path'
import type { Journal } from '../journal/journal'

const MONTH_MS = 31 * 24 * 60 * 60 * 1000

/**
 * The entry a Vonage recording became (`/recordings/YYYY/MM/<recording_uuid>.mp3`), or null while
 * it is not in the journal. A transcription event does not say when the recording was made, but it
 * comes minutes after it: the month it came in and the one before are looked at first, directly;
 * only then is the journal's list searched (a recording whose download took weeks).
 */
export async function findRecordingEntry(journal: Journal, recordingUuid: string, near: number): Promise<string | null> {
  for (const at of [near, near - MONTH_MS]) {
    const path = entryPath(new Date(at), recordingUuid, 'mp3')
    if (await journal.getEntry(path)) return path
  }
  const suffix = `/${recordingUuid}.`
  return (await journal.listEntries()).find((entry) => entry.path.includes(suffix))?.path ?? null
}
