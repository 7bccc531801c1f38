import { readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import wavefile from 'wavefile'
import { encodeMp3, mp3DurationMs, scanMp3 } from './mp3'
import { CALLER_AUDIO_FILES, CALLER_TRANSCRIPT_FILE, callerAudioDir } from './resources'
import type { SimTranscript } from './transcript'

/** The rate the simulated caller's audio is kept at: Vonage's wideband L16 and its recordings. */
export const CALLER_SAMPLE_RATE = 16000

/** What the simulated caller says, in the forms a call needs. */
export interface CallerAudio {
  /** Where it came from, for messages. */
  source: string
  durationMs: number
  /** 16 kHz mono 16-bit PCM; null when the source is an MP3 (nothing here decodes MP3). */
  pcm: Int16Array | null
  /** The MP3 a `record` action stores; encoded from the PCM on first use when there is no MP3. */
  mp3(): Buffer
  /**
   * What is said, with the time of every word (Vonage's transcript JSON for the whole audio): a
   * transcribed recording's transcript is this, cut at the recording's length. None: nothing
   * intelligible is said (a tone), and a transcript has no sentences.
   */
  transcript?: SimTranscript
}

/**
 * The caller's audio: the bundled speech (`resources/caller.{wav,mp3}`, with its transcript) by default, or
 * a user's WAV (any rate, channels, bit depth: converted to 16 kHz mono 16-bit) or MP3 (used as is,
 * so it can be recorded but not streamed).
 */
export function loadCallerAudio(file?: string): CallerAudio {
  if (!file) {
    const dir = callerAudioDir()
    const [wavFile, mp3File] = CALLER_AUDIO_FILES
    const pcm = wavToPcm(readFileSync(join(dir, wavFile)))
    const mp3 = readFileSync(join(dir, mp3File))
    const transcript = JSON.parse(readFileSync(join(dir, CALLER_TRANSCRIPT_FILE), 'utf8')) as SimTranscript
    return { source: 'bundled speech', durationMs: (pcm.length * 1000) / CALLER_SAMPLE_RATE, pcm, mp3: () => mp3, transcript }
  }
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw new Error(`Cannot read the caller audio ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WAVE') {
    return callerAudioFromPcm(wavToPcm(bytes, file), basename(file))
  }
  const frames = scanMp3(bytes)
  if (frames) return { source: basename(file), durationMs: mp3DurationMs(frames, bytes), pcm: null, mp3: () => bytes }
  throw new Error(`The caller audio ${file} is neither a WAV nor an MP3 file.`)
}

/** Caller audio from 16 kHz mono samples (tests use tones whose samples they can compare). */
export function callerAudioFromPcm(pcm: Int16Array, source = 'samples', transcript?: SimTranscript): CallerAudio {
  let mp3: Buffer | undefined
  return { source, durationMs: (pcm.length * 1000) / CALLER_SAMPLE_RATE, pcm, mp3: () => (mp3 ??= encodeMp3(pcm, CALLER_SAMPLE_RATE)), ...(transcript ? { transcript } : {}) }
}

interface WavFormat {
  audioFormat: number
  numChannels: number
  sampleRate: number
}

/** Any PCM/float/A-law/µ-law WAV as 16 kHz mono 16-bit samples. */
export function wavToPcm(bytes: Uint8Array, name = 'WAV'): Int16Array {
  let wav: InstanceType<typeof wavefile.WaveFile>
  try {
    wav = new wavefile.WaveFile(bytes)
  } catch (error) {
    throw new Error(`${name} is not a WAV file we can read: ${(error as Error).message}`)
  }
  // Read before converting: wavefile rebuilds `fmt` as it converts.
  const { audioFormat, numChannels: channels, sampleRate } = wav.fmt as WavFormat
  if (!channels || !sampleRate) throw new Error(`${name} has no usable format chunk.`)
  if (audioFormat === 6) wav.fromALaw()
  else if (audioFormat === 7) wav.fromMuLaw()
  else if (audioFormat === 17) wav.fromIMAADPCM()
  if (wav.bitDepth !== '16') wav.toBitDepth('16')
  if (sampleRate !== CALLER_SAMPLE_RATE) wav.toSampleRate(CALLER_SAMPLE_RATE)
  const interleaved = wav.getSamples(true, Int16Array) as unknown as Int16Array
  if (channels === 1) return interleaved
  const mono = new Int16Array(Math.floor(interleaved.length / channels))
  for (let frame = 0; frame < mono.length; frame++) {
    let sum = 0
    for (let channel = 0; channel < channels; channel++) sum += interleaved[frame * channels + channel]!
    mono[frame] = Math.round(sum / channels)
  }
  return mono
}
