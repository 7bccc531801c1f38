import { execFile } from 'node:child_process'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import wavefile from 'wavefile'
import type { Transcript } from '#shared/transcript'
import type { TranscriptSentenceDto } from '#shared/transcript-dto'

const run = promisify(execFile)

/** espeak-ng's output: 22,050 Hz, mono, 16-bit. */
const SAMPLE_RATE = 22_050
const WORD_GAP_MS = 120
const SENTENCE_GAP_MS = 700
/** Below this a sample counts as silence: espeak-ng pads every word with some. */
const SILENCE = 300

/** A recording made word by word, so every word's start and end is known rather than guessed. */
export interface SpokenRecording {
  wavPath: string
  durationMs: number
  /** The sentences with their words' times, as the window shows them. */
  sentences: TranscriptSentenceDto[]
  /** The same, as Vonage's transcript JSON. */
  transcript: Transcript
}

/**
 * Speaks `sentences` with espeak-ng one word at a time into one WAV (`<dir>/<name>.wav`), each
 * word's own silence trimmed, short gaps between words and longer ones between sentences.
 * Needs espeak-ng (installed by .ci/run).
 */
export async function speak(dir: string, name: string, sentences: string[]): Promise<SpokenRecording> {
  const chunks: Int16Array[] = []
  let samples = 0
  const silence = (ms: number): void => {
    const gap = new Int16Array(Math.round((ms / 1000) * SAMPLE_RATE))
    chunks.push(gap)
    samples += gap.length
  }
  const msAt = (sample: number): number => Math.round((sample / SAMPLE_RATE) * 1000)
  const spoken: TranscriptSentenceDto[] = []
  silence(300)
  for (const sentence of sentences) {
    const words: TranscriptSentenceDto['words'] = []
    for (const text of sentence.split(/\s+/)) {
      const voice = trimSilence(await speakWord(dir, text.replace(/[^\p{L}\p{N}'-]/gu, '')))
      const startMs = msAt(samples)
      chunks.push(voice)
      samples += voice.length
      words.push({ text, startMs, endMs: msAt(samples) })
      silence(WORD_GAP_MS)
    }
    spoken.push({ text: sentence, startMs: words[0]!.startMs, endMs: words.at(-1)!.endMs, words })
    silence(SENTENCE_GAP_MS)
  }
  const all = new Int16Array(samples)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.length
  }
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, SAMPLE_RATE, '16', all)
  const wavPath = join(dir, `${name}.wav`)
  await writeFile(wavPath, wav.toBuffer())
  return { wavPath, durationMs: msAt(samples), sentences: spoken, transcript: toVonage(spoken) }
}

async function speakWord(dir: string, word: string): Promise<Int16Array> {
  const file = join(dir, `word-${process.pid}-${Math.random().toString(36).slice(2)}.wav`)
  await run('espeak-ng', ['-w', file, '-v', 'en-us', word])
  try {
    const wav = new wavefile.WaveFile(await readFile(file))
    return wav.getSamples(false, Int16Array) as unknown as Int16Array
  } finally {
    await rm(file, { force: true })
  }
}

function trimSilence(samples: Int16Array): Int16Array {
  let start = 0
  let end = samples.length
  while (start < end && Math.abs(samples[start]!) < SILENCE) start++
  while (end > start && Math.abs(samples[end - 1]!) < SILENCE) end--
  return samples.subarray(start, end)
}

function toVonage(sentences: TranscriptSentenceDto[]): Transcript {
  return {
    ver: '1.0.0',
    channels: [
      {
        transcript: sentences.map((sentence) => ({
          sentence: sentence.text,
          raw_sentence: sentence.text.toLowerCase(),
          timestamp: sentence.startMs,
          duration: sentence.endMs - sentence.startMs,
          words: sentence.words.map((word) => ({ word: word.text, start_time: word.startMs, end_time: word.endMs, confidence: 0.95 }))
        }))
      }
    ]
  }
}
