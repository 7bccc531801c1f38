import { parseFile } from 'music-metadata'
import type { AudioFormat } from '#shared/dto'

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

/**
 * Reads the format and duration from the audio itself (WAV header, MP3 frames, …), never from
 * the file name, so a renamed text file is refused and a duration is never guessed.
 */
export async function probeAudio(filePath: string): Promise<AudioProbe> {
  let container: string | undefined
  let seconds: number | undefined
  try {
    const { format } = await parseFile(filePath, { duration: true, skipCovers: true })
    container = format.container
    seconds = format.duration
  } catch {
    // The parser's own message names the temporary file: keep internals out of what users see.
    throw new NotAudioError('Not an audio file we can play: expected MP3, WAV, Ogg or FLAC.')
  }
  const audioFormat = container === undefined ? undefined : CONTAINERS[container]
  if (!audioFormat) {
    throw new NotAudioError(`Not an audio file we can play: expected MP3, WAV, Ogg or FLAC${container ? `, got ${container}` : ''}.`)
  }
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    throw new NotAudioError('The file holds no audio (its duration is zero).')
  }
  return { format: audioFormat, durationMs: Math.round(seconds * 1000) }
}
