import { isAllowedVonageFileUrl } from './vonage-file-url'
import { checkPayload, RecordingEventSchema } from './webhook-payloads'

/** A recording Vonage announced, checked and reduced to what the download needs. */
export interface RecordingJob {
  recordingUuid: string
  url: string
  /** Milliseconds since the epoch: decides the entry's /recordings/YYYY/MM folder. */
  startedAt: number
  conversationUuid?: string
  /** The opaque id that groups the entries of one call (see call-ids.ts); set when it is queued. */
  callId?: string
}

export class RecordingEventError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RecordingEventError'
  }
}

/**
 * Checks a recording event before anything is queued or fetched: the uuid becomes a file name
 * in a public journal, and the URL is where the app will send its application JWT, so only a
 * Vonage API host (https) or the configured VONAGE_API_HOST is ever contacted.
 */
export function parseRecordingEvent(body: unknown, configuredApiHost: string): RecordingJob {
  const checked = checkPayload(RecordingEventSchema, body)
  if (!checked.ok) throw new RecordingEventError(checked.problem)
  const event = checked.value
  // Where the app will send its JWT depends on the configured host, so it is checked here, with it.
  if (!isAllowedRecordingUrl(event.recording_url, configuredApiHost)) throw new RecordingEventError('recording_url is not on a Vonage API host')
  const startedAt = Date.parse(String(event.start_time ?? event.timestamp ?? ''))
  const conversationUuid = event.conversation_uuid
  return {
    recordingUuid: event.recording_uuid.toLowerCase(),
    url: event.recording_url,
    startedAt: Number.isFinite(startedAt) ? startedAt : Date.now(),
    ...(conversationUuid ? { conversationUuid } : {})
  }
}

/** A recording URL is a Vonage file URL like any other (see vonage-file-url.ts). */
export const isAllowedRecordingUrl = isAllowedVonageFileUrl
