import type { Context, Hono } from 'hono'
import type { CallLeg, TransferDestination } from '../call/call-leg'
import type { OutboundCallRecord } from '../call/outbound-call'
import { parseNcco } from '../ncco/actions'
import { apiError } from './api-errors'
import { parseCallRequest, type OutboundRequest } from './call-request'
import { checkDownloadAuth } from './download-auth'

export interface CallsContext {
  /** Read per request: the Applications API may replace the public key. */
  application: () => { id: string; publicKey: string }
  /** Starts an outbound leg; returns its record. */
  dial: (request: OutboundRequest, body: Record<string, unknown>) => OutboundCallRecord
  /** Any leg the simulator runs, inbound or outbound. */
  leg: (uuid: string) => CallLeg | undefined
}

/**
 * The Voice API's calls, as `@vonage/server-sdk` uses them: `POST /v1/calls` (createOutboundCall),
 * `GET /v1/calls/:uuid` (getCall), `PUT /v1/calls/:uuid` (hangupCall, transferCallWithNCCO/URL,
 * mute…), `PUT /v1/calls/:uuid/talk` (playTTS) and `DELETE` on it (stopTTS). Every request needs the application's RS256
 * JWT, checked as Vonage checks file downloads.
 */
export function addCallRoutes(app: Hono, context: CallsContext): void {
  for (const path of ['/v1/calls', '/v1/calls/*']) {
    app.use(path, async (c, next) => {
      const application = context.application()
      const auth = checkDownloadAuth(c.req.header('authorization'), application.id, application.publicKey)
      if (!auth.ok) return apiError(c, 401, 'Unauthorized', `You did not provide correct credentials: ${auth.reason}.`)
      await next()
    })
  }

  app.post('/v1/calls', async (c) => {
    const body = await jsonBody(c)
    if (body === undefined) return apiError(c, 400, 'Bad Request', 'The request body is not JSON.')
    const check = parseCallRequest(body)
    if (!check.ok) return apiError(c, 400, 'Bad Request', 'Invalid Content', { invalid_parameters: check.problems })
    const record = context.dial(check.request, body as Record<string, unknown>)
    return c.json({ uuid: record.uuid, status: 'started', direction: 'outbound', conversation_uuid: record.conversationUuid }, 201)
  })

  app.get('/v1/calls/:uuid', (c) => {
    const leg = context.leg(c.req.param('uuid'))
    if (!leg) return notFound(c)
    return c.json({
      _links: { self: { href: `/v1/calls/${leg.uuid}` } },
      uuid: leg.uuid,
      conversation_uuid: leg.conversationUuid,
      to: { type: 'phone', number: leg.to },
      from: { type: 'phone', number: leg.from },
      status: leg.lastStatus,
      direction: leg.direction
    })
  })

  app.put('/v1/calls/:uuid', async (c) => {
    const leg = context.leg(c.req.param('uuid'))
    if (!leg) return notFound(c)
    const body = await jsonBody(c)
    if (typeof body !== 'object' || body === null) return apiError(c, 400, 'Bad Request', 'The request body must be a JSON object.')
    const { action, destination } = body as { action?: unknown; destination?: unknown }
    if (leg.state === 'ended') return ended(c, leg)
    switch (action) {
      case 'hangup':
        leg.hangUp('app')
        return c.body(null, 204)
      case 'transfer': {
        const target = transferTarget(destination)
        if (typeof target === 'string') return apiError(c, 400, 'Bad Request', target)
        if (!leg.transferable) return apiError(c, 400, 'Bad Request', `Call ${leg.uuid} is not answered, it cannot be transferred.`)
        leg.transfer(target)
        return c.body(null, 204)
      }
      // Accepted and acknowledged; nobody's audio is mixed here, so there is nothing to change.
      case 'mute':
      case 'unmute':
      case 'earmuff':
      case 'unearmuff':
        return c.body(null, 204)
      default:
        return apiError(c, 400, 'Bad Request', 'action must be one of hangup, transfer, mute, unmute, earmuff, unearmuff.')
    }
  })

  app.put('/v1/calls/:uuid/talk', async (c) => {
    const leg = context.leg(c.req.param('uuid'))
    if (!leg) return notFound(c)
    const body = await jsonBody(c)
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
    if (typeof fields.text !== 'string' || fields.text.length === 0 || fields.text.length > 1500) {
      return apiError(c, 400, 'Bad Request', 'Invalid Content', { invalid_parameters: [{ name: 'text', reason: 'must be 1–1500 characters' }] })
    }
    if (leg.state === 'ended') return ended(c, leg)
    if (leg.state !== 'answered') return apiError(c, 400, 'Bad Request', `Call ${leg.uuid} is not answered yet.`)
    leg.say(fields.text)
    return c.json({ message: 'Talk started', uuid: leg.uuid })
  })

  // stopTTS: a talk here takes no time, so there is never one to stop; acknowledged as Vonage does.
  app.delete('/v1/calls/:uuid/talk', (c) => {
    const leg = context.leg(c.req.param('uuid'))
    if (!leg) return notFound(c)
    if (leg.state === 'ended') return ended(c, leg)
    return c.json({ message: 'Talk stopped', uuid: leg.uuid })
  })
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return (await c.req.json()) as unknown
  } catch {
    return undefined
  }
}

const notFound = (c: Context): Response => apiError(c, 404, 'Not Found', `Call ${c.req.param('uuid') ?? ''} was not found.`)

/** (Vonage's exact answer for a call that has ended is unconfirmed: 400 with the reason.) */
const ended = (c: Context, leg: CallLeg): Response => apiError(c, 400, 'Bad Request', `Call ${leg.uuid} has already ended (${leg.lastStatus}).`)

/** A transfer's destination, or why it is refused. */
function transferTarget(destination: unknown): TransferDestination | string {
  if (typeof destination !== 'object' || destination === null) return 'destination is required for a transfer.'
  const { type, ncco, url } = destination as { type?: unknown; ncco?: unknown; url?: unknown }
  if (type !== 'ncco') return 'destination.type must be "ncco".'
  if (ncco !== undefined) {
    const check = parseNcco(ncco)
    return check.ok ? { ncco: check.actions } : `destination.ncco: ${check.reason}`
  }
  if (Array.isArray(url) && url.length === 1 && typeof url[0] === 'string' && /^https?:\/\//.test(url[0]) && URL.canParse(url[0])) return { url: url[0] }
  return 'destination needs an ncco or a url (an array of one URL).'
}
