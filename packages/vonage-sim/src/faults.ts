/**
 * The simulator's fault knobs: the ways Vonage, or someone pretending to be it, can misbehave, so an
 * app's defences can be tried. They are this package's public API (exported from its index,
 * described in its README):
 * - per call, as `placeCall` options: `CallFaults`;
 * - on the API host, as `VonageSimulator` members: `latencyMs`, `failNextDownloads()`,
 *   `serveNonAudio()` and `expireRecording()` (their state is a `DownloadFaults`).
 */

/** Every way callbacks can be signed: correctly, or as a forged or broken request looks. */
export const SIGNING_MODES = ['valid', 'none', 'wrong-secret', 'stale-iat', 'bad-payload-hash'] as const

/**
 * `valid`: HS256 with the signature secret, as Vonage signs. `none`: no Authorization header.
 * `wrong-secret`: signed with another secret. `stale-iat`: issued an hour ago.
 * `bad-payload-hash`: `payload_hash` of another body.
 */
export type SigningMode = (typeof SIGNING_MODES)[number]

/** The faults of one call, given to `placeCall` with its other options. */
export interface CallFaults {
  /** How callbacks are signed (default 'valid'). */
  signing?: SigningMode
  /** Deliver every event, recording and transcription callback twice, as Vonage's retries can. */
  duplicateEvents?: boolean
  /** Post the recording event after `completed` instead of when the record ends (both happen). */
  recordingEventAfterCompleted?: boolean
  /** Post a failed recording's event: `recording_url: ""`, `size: 0`, nothing stored. */
  emptyRecording?: boolean
  /** A transcribed recording's transcription event goes before its recording event, not after it. */
  transcriptionBeforeRecording?: boolean
  /** A transcribed recording's `transcription_url` serves an HTML page labelled application/json instead of the transcript. */
  transcriptNotJson?: boolean
}

/** A body served in place of a file's audio, to exercise an app's "is it audio" check. */
export interface FakeBody {
  contentType: string
  body: string
}

/** The API host's download faults, read on every request. */
export class DownloadFaults {
  /** Requests still to fail, and with what status. */
  failCount = 0
  failStatus = 503
  readonly fakeBodies = new Map<string, FakeBody>()
}
