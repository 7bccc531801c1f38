import { fileURLToPath } from 'node:url'

/** 5.16 s of espeak-ng speech, 16 kHz mono: the same audio as WAV and as 32 kbit/s MP3. */
export const HELLO_WAV = fileURLToPath(new URL('../fixtures/hello.wav', import.meta.url))
export const HELLO_MP3 = fileURLToPath(new URL('../fixtures/hello.mp3', import.meta.url))
export const HELLO_DURATION_MS = 5160
