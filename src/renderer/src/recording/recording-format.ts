/**
 * What the window records in, best first: Opus in WebM (Chromium, Electron) or in Ogg (where
 * that is what the browser records). Both are formats the journal keeps as they are.
 */
export const RECORDING_MIME_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus'] as const

/** The first type this browser's MediaRecorder can write, or null when it can write none of them. */
export function pickRecordingMimeType(isTypeSupported: (type: string) => boolean): string | null {
  return RECORDING_MIME_TYPES.find((type) => isTypeSupported(type)) ?? null
}

/** 65 000 ms → "1:05"; an hour and more → "1:00:05". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}
