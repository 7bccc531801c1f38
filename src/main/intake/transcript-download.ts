import { readFile } from 'node:fs/promises'
import * as v from 'valibot'
import { TranscriptSchema, type Transcript } from '#shared/transcript'
import type { Settings } from '../app/settings'
import { downloadVonageFile, DownloadError } from './recording-downloader'

/** A transcript of the longest call (two hours) is well under a megabyte; anything past this is not one. */
export const MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024

/**
 * Downloads a transcript the way recordings are downloaded (the application's JWT, the same host
 * allowlist, no redirects), to `file`, and returns it checked. A body that is not a transcript is a
 * permanent failure: downloading it again gives the same body.
 */
export async function downloadTranscript(url: string, file: string, settings: Settings): Promise<Transcript> {
  await downloadVonageFile(url, file, settings, { what: 'transcript', maxBytes: MAX_TRANSCRIPT_BYTES, accept: 'application/json' })
  return readTranscriptFile(file)
}

/** A transcript file as downloaded (or kept from an earlier run), checked against the one schema. */
export async function readTranscriptFile(file: string): Promise<Transcript> {
  let json: unknown
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch {
    throw new DownloadError('Vonage sent something that is not a transcript (not JSON)', false)
  }
  const checked = v.safeParse(TranscriptSchema, json)
  if (!checked.success) {
    const issue = checked.issues[0]
    const where = issue.path?.map((item) => String(item.key)).join('.') ?? ''
    throw new DownloadError(`Vonage sent something that is not a transcript (${where ? `${where}: ` : ''}${issue.message})`, false)
  }
  return checked.output
}
