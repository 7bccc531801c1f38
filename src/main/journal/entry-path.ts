import type { AudioFormat } from '#shared/dto'

export const AUDIO_FORMATS: readonly AudioFormat[] = ['mp3', 'wav', 'ogg', 'flac', 'webm']

/** Ids become file names inside a public journal: letters, digits and dashes only. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/
const ENTRY_PATH_PATTERN = /^\/recordings\/\d{4}\/(0[1-9]|1[0-2])\/[A-Za-z0-9][A-Za-z0-9-]{0,63}\.(mp3|wav|ogg|flac|webm)$/

export function isEntryId(id: string): boolean {
  return ID_PATTERN.test(id)
}

/**
 * `/recordings/YYYY/MM/<id>.<ext>`, year and zero-padded month in UTC so an entry lands in the
 * same folder whatever the time zone of the machine that wrote it.
 */
export function entryPath(madeAt: Date, id: string, format: AudioFormat): string {
  if (!isEntryId(id)) throw new Error(`Entry id must be letters, digits and dashes: ${JSON.stringify(id)}`)
  const year = String(madeAt.getUTCFullYear()).padStart(4, '0')
  const month = String(madeAt.getUTCMonth() + 1).padStart(2, '0')
  return `/recordings/${year}/${month}/${id}.${format}`
}

/** True only for paths this app writes: anything else (`..`, other folders) is refused at the door. */
export function isEntryPath(path: unknown): path is string {
  return typeof path === 'string' && ENTRY_PATH_PATTERN.test(path)
}

export function formatOfPath(path: string): AudioFormat {
  const ext = path.slice(path.lastIndexOf('.') + 1)
  return (AUDIO_FORMATS as readonly string[]).includes(ext) ? (ext as AudioFormat) : 'mp3'
}

export const MIME_TYPES: Record<AudioFormat, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  webm: 'audio/webm'
}

/** `/recordings/YYYY/MM/<id>.transcript.json`: an entry's transcript, beside its audio (Vonage's transcript JSON). */
const TRANSCRIPT_PATH_PATTERN = /^\/recordings\/\d{4}\/(0[1-9]|1[0-2])\/[A-Za-z0-9][A-Za-z0-9-]{0,63}\.transcript\.json$/

/** Where the transcript of the entry at `path` lives: the same folder and id, `.transcript.json`. */
export function transcriptPathOf(path: string): string {
  if (!isEntryPath(path)) throw new Error(`Not an entry path: ${JSON.stringify(path)}`)
  return path.replace(/\.[a-z0-9]+$/, '.transcript.json')
}

export function isTranscriptPath(path: unknown): path is string {
  return typeof path === 'string' && TRANSCRIPT_PATH_PATTERN.test(path)
}

/**
 * `/recordings/YYYY/MM/<id>` of an entry or of its transcript: what the two share. A transcript's
 * path does not say its entry's format, so the pair is matched by this.
 */
export function entryStemOf(path: string): string {
  return path.endsWith('.transcript.json') ? path.slice(0, -'.transcript.json'.length) : path.replace(/\.[a-z0-9]+$/, '')
}

/** The paths the entry a transcript belongs to may have, one per format. */
export function entryPathsOfTranscript(path: string): string[] {
  const stem = entryStemOf(path)
  return AUDIO_FORMATS.map((format) => `${stem}.${format}`)
}
