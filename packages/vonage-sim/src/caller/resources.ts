import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The bundled caller audio: the same speech as WAV (streamed) and MP3 (recorded), and its transcript. */
export const CALLER_AUDIO_FILES = ['caller.wav', 'caller.mp3', 'caller.transcript.json'] as const
/** Vonage's transcript JSON of the bundled speech, with the time of every word (made with it). */
export const CALLER_TRANSCRIPT_FILE = CALLER_AUDIO_FILES[2]

/**
 * The folder holding the bundled caller audio: the nearest `resources/` above this module that has
 * `caller.wav`. Run from its sources, that is this package's own `resources/`. An app that bundles
 * the package copies `CALLER_AUDIO_FILES` into a `resources/` folder beside its bundle (Voice
 * Journal's electron.vite.config.ts puts them in `out/main/resources/`), so the same walk finds them
 * from `out/main/*.js`, `out/main/chunks/*.js` and inside a packed app.asar.
 */
export function callerAudioDir(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from)
  for (;;) {
    const candidate = join(dir, 'resources')
    if (existsSync(join(candidate, CALLER_AUDIO_FILES[0]))) return candidate
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`The simulator's caller audio (resources/${CALLER_AUDIO_FILES[0]}) was not found above ${from}`)
    dir = parent
  }
}
