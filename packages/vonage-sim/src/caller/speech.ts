import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import wavefile from 'wavefile'
import { callerAudioFromPcm, wavToPcm, type CallerAudio } from './caller-audio'
import { makeTranscript, timedSentence, wordsOf, type SimTranscript, type SimTranscriptWord } from './transcript'

const run = promisify(execFile)

/** The voice and pace of the bundled speech (espeak-ng's `-v` and `-s`). */
export const SPEECH_VOICE = 'en-us'
export const SPEECH_WORDS_PER_MINUTE = 230
/** Silence before the first word, between words, between sentences and after the last one. */
const LEAD_MS = 200
const WORD_GAP_MS = 40
const SENTENCE_GAP_MS = 350
const TAIL_MS = 300
/** A sample louder than this is speech: where a word starts and ends (espeak pads each with silence). */
const SPEECH_THRESHOLD = 250
/** Peak level of the result: -3 dBFS, as the first bundled speech was made (`sox … norm -3`). */
const PEAK = Math.round(32767 * 10 ** (-3 / 20))
/** Every word is heard as said: the simulator's "recogniser" is the text it spoke. */
const CONFIDENCE = 0.95

/**
 * Speech of `sentences` with its transcript, made together: each word is synthesised alone with
 * espeak-ng, its silence trimmed, and the words laid end to end with fixed gaps, so where every
 * word starts and ends is known exactly rather than guessed from the audio. The audio is 16 kHz
 * mono 16-bit (what a call carries); the transcript is Vonage's JSON for it, times in ms from the
 * start. Needs `espeak-ng` on the PATH (Debian: apt-get install espeak-ng).
 */
export async function speechWithTranscript(sentences: string[]): Promise<{ audio: CallerAudio; transcript: SimTranscript }> {
  const dir = await mkdtemp(join(tmpdir(), 'vonage-sim-speech-'))
  try {
    let rate = 0
    const pieces: Int16Array[] = []
    let at = 0
    const silence = (ms: number): void => {
      const samples = new Int16Array(Math.round((ms * rate) / 1000))
      pieces.push(samples)
      at += samples.length
    }
    const timed: Array<{ sentence: string; words: Array<{ word: string; start: number; end: number }> }> = []
    for (const [sentenceIndex, sentence] of sentences.entries()) {
      const words: Array<{ word: string; start: number; end: number }> = []
      for (const [wordIndex, word] of wordsOf(sentence).entries()) {
        const spoken = await synthesise(word, join(dir, `${sentenceIndex}-${wordIndex}.wav`))
        if (rate === 0) {
          rate = spoken.rate
          silence(LEAD_MS)
        } else if (spoken.rate !== rate) throw new Error(`espeak-ng changed its sample rate mid-way (${rate} → ${spoken.rate})`)
        else silence(wordIndex === 0 ? SENTENCE_GAP_MS : WORD_GAP_MS)
        const voiced = trimSilence(spoken.samples)
        words.push({ word, start: at, end: at + voiced.length })
        pieces.push(voiced)
        at += voiced.length
      }
      if (words.length > 0) timed.push({ sentence: sentence.trim(), words })
    }
    if (rate === 0) throw new Error('speechWithTranscript needs at least one word')
    silence(TAIL_MS)
    const samples = normalise(concat(pieces, at))
    const ms = (sample: number): number => Math.round((sample * 1000) / rate)
    const wav = new wavefile.WaveFile()
    wav.fromScratch(1, rate, '16', samples)
    const audio16k = wavToPcm(wav.toBuffer(), 'espeak-ng speech')
    const durationMs = (audio16k.length * 1000) / 16000
    const transcript = makeTranscript(
      timed.map(({ sentence, words }) =>
        timedSentence(
          sentence,
          words.map(({ word, start, end }): SimTranscriptWord => ({ word, start_time: ms(start), end_time: ms(end), confidence: CONFIDENCE }))
        )
      ),
      durationMs
    )
    return { audio: callerAudioFromPcm(audio16k, 'espeak-ng speech', transcript), transcript }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

async function synthesise(word: string, file: string): Promise<{ rate: number; samples: Int16Array }> {
  try {
    await run('espeak-ng', ['-v', SPEECH_VOICE, '-s', String(SPEECH_WORDS_PER_MINUTE), '-w', file, '--', word])
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(code === 'ENOENT' ? 'Making speech needs espeak-ng (Debian: apt-get install espeak-ng)' : `espeak-ng could not say "${word}": ${(error as Error).message}`)
  }
  const wav = new wavefile.WaveFile(await readFile(file))
  const { sampleRate, numChannels } = wav.fmt as { sampleRate: number; numChannels: number }
  if (numChannels !== 1 || wav.bitDepth !== '16') throw new Error('espeak-ng wrote a WAV that is not mono 16-bit')
  return { rate: sampleRate, samples: wav.getSamples(false, Int16Array) as unknown as Int16Array }
}

/** The word without the silence espeak-ng puts around it. */
function trimSilence(samples: Int16Array): Int16Array {
  let start = 0
  while (start < samples.length && Math.abs(samples[start]!) < SPEECH_THRESHOLD) start++
  let end = samples.length
  while (end > start && Math.abs(samples[end - 1]!) < SPEECH_THRESHOLD) end--
  return samples.subarray(start, end)
}

function concat(pieces: Int16Array[], length: number): Int16Array {
  const all = new Int16Array(length)
  let offset = 0
  for (const piece of pieces) {
    all.set(piece, offset)
    offset += piece.length
  }
  return all
}

function normalise(samples: Int16Array): Int16Array {
  let peak = 1
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample))
  const gain = PEAK / peak
  return samples.map((sample) => Math.round(sample * gain))
}
