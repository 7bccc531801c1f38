import { isAllowedVonageFileUrl } from './vonage-file-url'
import { checkPayload, TranscriptionEventSchema } from './webhook-payloads'

/** A transcript Vonage announced, checked and reduced to what the download needs. */
export interface TranscriptJob {
  /** The recording it transcribes (lower case): its entry is `/recordings/YYYY/MM/<recordingUuid>.mp3`. */
  recordingUuid: string
  url: string
  /** When the event came (ms): the recording was made shortly before, which says where to look for its entry. */
  receivedAt: number
  conversationUuid?: string
}

export class TranscriptionEventError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TranscriptionEventError'
  }
}

/**
 * Checks a transcription event before anything is queued or fetched: the uuid names a file in a
 * public journal, and the URL is where the app will send its application JWT, so it must be a
 * Vonage file URL exactly as a recording's must (`isAllowedVonageFileUrl`).
 */
export function parseTranscriptionEvent(body: unknown, configuredApiHost: string, now = Date.now()): TranscriptJob {
  const checked = checkPayload(TranscriptionEventSchema, body)
  if (!checked.ok) throw new TranscriptionEventError(checked.problem)
  const event = checked.value
  if (!isAllowedVonageFileUrl(event.transcription_url, configuredApiHost)) throw new TranscriptionEventError('transcription_url is not on a Vonage API host')
  return {
    recordingUuid: event.recording_uuid.toLowerCase(),
    url: event.transcription_url,
    receivedAt: now,
    ...(event.conversation_uuid ? { conversationUuid: event.conversation_uuid } : {})
  }
}
