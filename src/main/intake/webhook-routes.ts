import type { Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Settings } from '../app/settings'
import type { CallLog } from './call-log'
import { recordNcco, refusalNcco, streamNcco, TRANSCRIPTION_PATH } from './ncco'
import { afterPromptNcco, firstRecordingNcco } from './segments-ncco'
import { parseRecordingEvent, RecordingEventError, type RecordingJob } from './recording-event'
import { parseTranscriptionEvent, TranscriptionEventError, type TranscriptJob } from './transcription-event'
import type { SocketTokens } from './socket-tokens'
import { readWebhook, refuse, WEBHOOK_BODY_LIMIT, type WebhookBody } from './webhook-request'
import { AnswerRequestSchema, CallEventSchema, checkPayload, ErrorNoticeSchema, InputEventSchema, InputPartSchema, type CallEvent } from './webhook-payloads'
import type { HotlineService } from '../hotline/hotline-service'
import { mountHotlineRoutes } from '../hotline/hotline-routes'
import { logger } from '../app/logging'

const log = logger('webhooks')

export { WEBHOOK_BODY_LIMIT }

export interface WebhookDependencies {
  settings: () => Settings
  callLog: CallLog
  tokens: SocketTokens
  /** Durably queues a recording; resolves once it will survive a crash. */
  acceptRecording: (job: RecordingJob) => Promise<void>
  /** Durably queues a transcript; resolves once it will survive a crash. */
  acceptTranscript: (job: TranscriptJob) => Promise<void>
  /** A new (not repeated) call event. */
  onCallEvent: (event: CallEvent) => void
  /** Hotline mode's calls; its own staff routes are mounted with these. */
  hotline: HotlineService
}

/**
 * The internet-facing routes Vonage calls. Each request is read once with a size limit, its
 * signature checked against the raw bytes (when a signature secret is configured), and only
 * then parsed; a refused request changes nothing.
 */
export function mountWebhookRoutes(app: Hono, deps: WebhookDependencies): void {
  // Enforced while reading, so a body without Content-Length cannot be streamed in forever.
  app.use('/webhooks/*', bodyLimit({ maxSize: WEBHOOK_BODY_LIMIT, onError: (c) => refuse(c, 413, 'body too large') }))
  const read = (c: Context): Promise<WebhookBody | Response> => readWebhook(c, deps.settings().signatureSecret)

  const answer = async (c: Context): Promise<Response> => {
    const body = await read(c)
    if (body instanceof Response) return body
    const request = checkPayload(AnswerRequestSchema, body.json)
    if (!request.ok) return refuse(c, 400, request.problem)
    const { uuid: callUuid, from, to } = request.value
    const settings = deps.settings()
    if (settings.allowedCallers.length > 0 && !settings.allowedCallers.includes(from)) return c.json(refusalNcco())
    const publicBase = publicBaseOf(c, settings)
    if (settings.mode === 'hotline') return c.json(await deps.hotline.answer({ uuid: callUuid, from, to, settings, publicBase }))
    const context = { settings, publicBase, callUuid, socketToken: deps.tokens.tokenFor(callUuid.toLowerCase()) }
    if (settings.mode === 'stream') return c.json(streamNcco(context))
    return c.json(settings.severalRecordings ? firstRecordingNcco(context) : recordNcco(context))
  }
  app.get('/webhooks/answer', answer)
  app.post('/webhooks/answer', answer)

  app.post('/webhooks/event', async (c) => {
    const body = await read(c)
    if (body instanceof Response) return body
    const event = checkPayload(CallEventSchema, body.json)
    if (!event.ok) {
      // Error notices (e.g. an NCCO Vonage could not run) carry no status: log them, accept them.
      const notice = checkPayload(ErrorNoticeSchema, body.json)
      if (notice.ok) {
        log.warn({ reason: notice.value.reason }, 'Vonage reported an error')
        return c.body(null, 204)
      }
      return refuse(c, 400, event.problem)
    }
    if (await deps.callLog.recordEvent(event.value)) deps.onCallEvent(event.value)
    return c.body(null, 204)
  })

  // The caller answered "press 1 to record another" (several recordings per call): the reply is
  // the call's next NCCO. Nothing is stored; the recording itself arrives at /webhooks/recording.
  app.post('/webhooks/input', async (c) => {
    const body = await read(c)
    if (body instanceof Response) return body
    const event = checkPayload(InputEventSchema, body.json)
    if (!event.ok) return refuse(c, 400, event.problem)
    const part = checkPayload(InputPartSchema, c.req.query('part'))
    if (!part.ok) return refuse(c, 400, part.problem)
    const settings = deps.settings()
    return c.json(afterPromptNcco(settings, publicBaseOf(c, settings), part.value, event.value.dtmf.digits))
  })

  app.post('/webhooks/recording', async (c) => {
    const body = await read(c)
    if (body instanceof Response) return body
    let job: RecordingJob
    try {
      job = parseRecordingEvent(body.json, deps.settings().apiHost)
    } catch (error) {
      if (error instanceof RecordingEventError) return refuse(c, 400, error.message)
      throw error
    }
    await deps.acceptRecording(job)
    return c.body(null, 204)
  })

  // Accepted whatever the transcription setting is now: a recording made while it was on is
  // transcribed after it was switched off, and Vonage has charged for it already.
  app.post(TRANSCRIPTION_PATH, async (c) => {
    const body = await read(c)
    if (body instanceof Response) return body
    let job: TranscriptJob
    try {
      job = parseTranscriptionEvent(body.json, deps.settings().apiHost)
    } catch (error) {
      if (error instanceof TranscriptionEventError) return refuse(c, 400, error.message)
      throw error
    }
    await deps.acceptTranscript(job)
    return c.body(null, 204)
  })

  mountHotlineRoutes(app, { read, hotline: deps.hotline })
}

/** Where Vonage reaches this app, for the URLs an NCCO names. */
function publicBaseOf(c: Context, settings: Settings): string {
  return (settings.publicUrl || new URL(c.req.url).origin).replace(/\/+$/, '')
}
