import type { Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Settings } from '../app/settings'
import type { CallLog } from './call-log'
import { recordNcco, refusalNcco, streamNcco } from './ncco'
import { afterPromptNcco, firstRecordingNcco } from './segments-ncco'
import { parseRecordingEvent, RecordingEventError, type RecordingJob } from './recording-event'
import type { SocketTokens } from './socket-tokens'
import { checkSignature } from './webhook-signature'
import { AnswerRequestSchema, CallEventSchema, checkPayload, ErrorNoticeSchema, InputEventSchema, InputPartSchema } from './webhook-payloads'
import { logger } from '../app/logging'

const log = logger('webhooks')

/** Vonage's webhook bodies are a few hundred bytes; anything near this is not Vonage. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024

export interface WebhookDependencies {
  settings: () => Settings
  callLog: CallLog
  tokens: SocketTokens
  /** Durably queues a recording; resolves once it will survive a crash. */
  acceptRecording: (job: RecordingJob) => Promise<void>
  onCallEvent: () => void
}

type Body = { raw: Uint8Array; json: unknown }

/**
 * The internet-facing routes Vonage calls. Each request is read once with a size limit, its
 * signature checked against the raw bytes (when a signature secret is configured), and only
 * then parsed; a refused request changes nothing.
 */
export function mountWebhookRoutes(app: Hono, deps: WebhookDependencies): void {
  // Enforced while reading, so a body without Content-Length cannot be streamed in forever.
  app.use('/webhooks/*', bodyLimit({ maxSize: WEBHOOK_BODY_LIMIT, onError: (c) => refuse(c, 413, 'body too large') }))
  const read = async (c: Context): Promise<Body | Response> => {
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > WEBHOOK_BODY_LIMIT) return refuse(c, 413, 'body too large')
    const raw = new Uint8Array(await c.req.arrayBuffer())
    if (raw.byteLength > WEBHOOK_BODY_LIMIT) return refuse(c, 413, 'body too large')
    const secret = deps.settings().signatureSecret
    if (secret) {
      const check = checkSignature({ authorization: c.req.header('authorization'), rawBody: raw, method: c.req.method }, secret)
      if (!check.ok) return refuse(c, 401, check.reason)
    }
    if (c.req.method === 'GET') return { raw, json: Object.fromEntries(new URL(c.req.url).searchParams) }
    try {
      return { raw, json: JSON.parse(Buffer.from(raw).toString('utf8')) as unknown }
    } catch {
      return refuse(c, 400, 'body must be JSON')
    }
  }

  const answer = async (c: Context): Promise<Response> => {
    const body = await read(c)
    if (body instanceof Response) return body
    const request = checkPayload(AnswerRequestSchema, body.json)
    if (!request.ok) return refuse(c, 400, request.problem)
    const { uuid: callUuid, from } = request.value
    const settings = deps.settings()
    if (settings.allowedCallers.length > 0 && !settings.allowedCallers.includes(from)) return c.json(refusalNcco())
    const context = { settings, publicBase: publicBaseOf(c, settings), callUuid, socketToken: deps.tokens.tokenFor(callUuid.toLowerCase()) }
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
    if (await deps.callLog.recordEvent(event.value)) deps.onCallEvent()
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
}

/** Where Vonage reaches this app, for the URLs an NCCO names. */
function publicBaseOf(c: Context, settings: Settings): string {
  return (settings.publicUrl || new URL(c.req.url).origin).replace(/\/+$/, '')
}

function refuse(c: Context, status: 400 | 401 | 413, message: string): Response {
  if (status === 413) c.header('Connection', 'close')
  return c.json({ error: message }, status)
}
