/** A recording Vonage announced, checked and reduced to what the download needs. */
export interface RecordingJob {
  recordingUuid: string
  url: string
  /** Milliseconds since the epoch: decides the entry's /recordings/YYYY/MM folder. */
  startedAt: number
  conversationUuid?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** api.nexmo.com, api-us.nexmo.com, api-eu.vonage.com, api-us-3.vonage.com, … */
const VONAGE_API_HOST = /^api(-[a-z]{2}(-\d{1,2})?)?\.(nexmo|vonage)\.com$/
const FILE_PATH = /^\/v[13]\/files\/[A-Za-z0-9-]{1,64}$/

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
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RecordingEventError('recording event must be a JSON object')
  const event = body as Record<string, unknown>
  const recordingUuid = event.recording_uuid
  if (typeof recordingUuid !== 'string' || !UUID.test(recordingUuid)) throw new RecordingEventError('recording_uuid must be a UUID')
  const url = event.recording_url
  if (typeof url !== 'string' || url === '') throw new RecordingEventError('recording_url is empty (the recording failed)')
  if (!isAllowedRecordingUrl(url, configuredApiHost)) throw new RecordingEventError('recording_url is not on a Vonage API host')
  const startedAt = Date.parse(String(event.start_time ?? event.timestamp ?? ''))
  const conversationUuid = typeof event.conversation_uuid === 'string' ? event.conversation_uuid.slice(0, 100) : undefined
  return {
    recordingUuid: recordingUuid.toLowerCase(),
    url,
    startedAt: Number.isFinite(startedAt) ? startedAt : Date.now(),
    ...(conversationUuid ? { conversationUuid } : {})
  }
}

export function isAllowedRecordingUrl(text: string, configuredApiHost: string): boolean {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return false
  }
  if (url.username || url.password || !FILE_PATH.test(url.pathname)) return false
  if (url.protocol === 'https:' && VONAGE_API_HOST.test(url.hostname) && (url.port === '' || url.port === '443')) return true
  if (!configuredApiHost) return false
  try {
    return url.origin === new URL(configuredApiHost).origin
  } catch {
    return false
  }
}
