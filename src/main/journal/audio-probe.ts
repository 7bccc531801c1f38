import { open } from 'node:fs/promises'
import { parseFile } from 'music-metadata'
import type { AudioFormat } from '#shared/dto'
import { looksLikeEbml, readWebmAudio, WebmError } from './webm-audio'

export interface AudioProbe {
  format: AudioFormat
  durationMs: number
}

export class NotAudioError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NotAudioError'
  }
}

const CONTAINERS: Record<string, AudioFormat> = {
  MPEG: 'mp3',
  WAVE: 'wav',
  Ogg: 'ogg',
  FLAC: 'flac'
}
const EXPECTED = 'expected MP3, WAV, Ogg, FLAC or WebM'

/**
 * Reads the format and duration from the audio itself (WAV header, MP3 frames, WebM blocks, …),
 * never from the file name, so a renamed text file is refused and a duration is never guessed.
 */
export async function probeAudio(filePath: string): Promise<AudioProbe> {
  if (await startsLikeEbml(filePath)) return probeWebm(filePath)
  let container: string | undefined
  let seconds: number | undefined
  try {
    const { format } = await parseFile(filePath, { duration: true, skipCovers: true })
    container = format.container
    seconds = format.duration
  } catch {
    // The parser's own message names the temporary file: keep internals out of what users see.
    throw new NotAudioError(`Not an audio file we can play: ${EXPECTED}.`)
  }
  const audioFormat = container === undefined ? undefined : CONTAINERS[container]
  if (!audioFormat) {
    throw new NotAudioError(`Not an audio file we can play: ${EXPECTED}${container ? `, got ${container}` : ''}.`)
  }
  return { format: audioFormat, durationMs: checkedDuration(seconds === undefined ? undefined : seconds * 1000) }
}

/**
 * WebM (what browsers record) is read by our own reader: music-metadata fails on MediaRecorder's
 * unknown-size segments, and such files state no duration anyway (webm-audio.ts).
 */
async function probeWebm(filePath: string): Promise<AudioProbe> {
  try {
    const { durationMs } = await readWebmAudio(filePath)
    return { format: 'webm', durationMs: checkedDuration(durationMs) }
  } catch (error) {
    if (error instanceof WebmError) throw new NotAudioError(`Not an audio file we can play: ${error.message}`)
    throw error
  }
}

function checkedDuration(ms: number | undefined): number {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) throw new NotAudioError('The file holds no audio (its duration is zero).')
  return Math.round(ms)
}

async function startsLikeEbml(filePath: string): Promise<boolean> {
  const file = await open(filePath, 'r')
  try {
    const head = new Uint8Array(4)
    const { bytesRead } = await file.read(head, 0, 4, 0)
    return looksLikeEbml(head.subarray(0, bytesRead))
  } finally {
    await file.close()
  }
}
