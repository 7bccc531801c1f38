#!/usr/bin/env node
// Makes the simulator's bundled speech and its transcript together (resources/caller.wav,
// caller.mp3, caller.transcript.json): each word synthesised alone with espeak-ng, so every word's
// start and end is known, not guessed. Needs espeak-ng. Run from anywhere:
//   node packages/vonage-sim/scripts/make-caller-speech.mjs
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'

register()
const { speechWithTranscript } = await import('../src/caller/speech.ts')
const { CALLER_SAMPLE_RATE } = await import('../src/caller/caller-audio.ts')
const wavefile = (await import('wavefile')).default

/** What the simulated caller says. */
const SENTENCES = [
  'Hello, this is a test entry for my voice journal.',
  'Today I walked by the river in the sunshine.',
  'I will call again tomorrow.',
  'Goodbye.'
]

const resources = join(import.meta.dirname, '..', 'resources')
const { audio, transcript } = await speechWithTranscript(SENTENCES)
const wav = new wavefile.WaveFile()
wav.fromScratch(1, CALLER_SAMPLE_RATE, '16', audio.pcm)
writeFileSync(join(resources, 'caller.wav'), wav.toBuffer())
// MPEG-2 Layer III at 32 kbit/s mono, like a Vonage recording (lamejs, the encoder the simulator uses).
writeFileSync(join(resources, 'caller.mp3'), audio.mp3())
writeFileSync(join(resources, 'caller.transcript.json'), JSON.stringify(transcript, null, 2) + '\n')
console.log(`caller.wav, caller.mp3, caller.transcript.json: ${(audio.durationMs / 1000).toFixed(1)} s, ${transcript.channels[0].transcript.length} sentences`)
