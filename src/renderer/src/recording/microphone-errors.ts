/**
 * What getUserMedia's refusals mean to a person, and what they can do about each. The names are
 * the DOMException names browsers (and Electron) use.
 */
export function microphoneErrorMessage(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'The microphone is not allowed for this window. Allow it in the site settings (the icon left of the address bar) or, in the desktop app, in your system’s privacy settings for the microphone, then try again.'
    case 'NotFoundError':
      return 'No microphone was found. Connect one (or switch it on) and try again.'
    case 'OverconstrainedError':
      return 'The microphone chosen is no longer there. Choose another one and try again.'
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not be started: another app may be using it, or the system stopped it. Try again, or choose another one.'
    default:
      return err instanceof Error && err.message ? `The microphone could not be used: ${err.message}` : 'The microphone could not be used.'
  }
}

/** Said when the browser has no MediaRecorder for a format the journal keeps. */
export const NO_RECORDER_MESSAGE = 'This browser cannot record Opus audio (WebM or Ogg), which the journal needs. Record in the desktop app, Chromium, Chrome or Firefox.'
