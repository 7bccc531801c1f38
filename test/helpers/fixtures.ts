import { fileURLToPath } from 'node:url'

/** 5.16 s of espeak-ng speech, 16 kHz mono: the same audio as WAV and as 32 kbit/s MP3. */
export const HELLO_WAV = fileURLToPath(new URL('../fixtures/hello.wav', import.meta.url))
export const HELLO_MP3 = fileURLToPath(new URL('../fixtures/hello.mp3', import.meta.url))
export const HELLO_DURATION_MS = 5160

/** Chromium's MediaRecorder (fake microphone, a 440 Hz tone): 2 s recorded, 1 s paused, 1 s recorded. */
export const MICROPHONE_WEBM = fileURLToPath(new URL('../fixtures/microphone.webm', import.meta.url))
/** What its blocks span: the pause is not in the file. */
export const MICROPHONE_WEBM_DURATION_MS = 2959
