import { readFile } from 'node:fs/promises'
import type { Context, Hono } from 'hono'
import { findResource } from '../app/resources'
import { refuse, type WebhookBody } from '../intake/webhook-request'
import { AnswerRequestSchema, CallEventSchema, checkPayload, StaffLegQuerySchema } from '../intake/webhook-payloads'
import { HOTLINE_PATHS } from './hotline-ncco'
import type { HotlineService } from './hotline-service'

interface HotlineRouteDeps {
  /** The webhook reader: size limit, signature, JSON. */
  read: (c: Context) => Promise<WebhookBody | Response>
  hotline: HotlineService
}

/**
 * The staff legs' webhooks (signed like every Vonage callback; each names its call and staff
 * member by the opaque id and index the app put in the address) and the bundled hold music.
 */
export function mountHotlineRoutes(app: Hono, { read, hotline }: HotlineRouteDeps): void {
  /** A staff leg's webhook, read (size, signature, JSON) and placed: which call and staff member it is about. */
  const readStaffWebhook = async (c: Context): Promise<{ leg: { call: string; staff: number }; json: unknown } | Response> => {
    const body = await read(c)
    if (body instanceof Response) return body
    const leg = checkPayload(StaffLegQuerySchema, { call: c.req.query('call'), staff: c.req.query('staff') })
    if (!leg.ok) return refuse(c, 400, 'staff webhook needs its call and staff index')
    return { leg: leg.value, json: body.json }
  }

  const staffAnswer = async (c: Context): Promise<Response> => {
    const webhook = await readStaffWebhook(c)
    if (webhook instanceof Response) return webhook
    const request = checkPayload(AnswerRequestSchema, webhook.json)
    if (!request.ok) return refuse(c, 400, request.problem)
    return c.json(await hotline.staffAnswered(webhook.leg.call, webhook.leg.staff, request.value.uuid))
  }
  app.get(HOTLINE_PATHS.staffAnswer, staffAnswer)
  app.post(HOTLINE_PATHS.staffAnswer, staffAnswer)

  app.post(HOTLINE_PATHS.staffEvent, async (c) => {
    const webhook = await readStaffWebhook(c)
    if (webhook instanceof Response) return webhook
    const event = checkPayload(CallEventSchema, webhook.json)
    if (!event.ok) return refuse(c, 400, event.problem)
    // An event for a call that is over is accepted and dropped: Vonage would only send it again.
    hotline.staffEvent(webhook.leg.call, webhook.leg.staff, event.value)
    return c.body(null, 204)
  })

  // Vonage fetches the music itself, unsigned; it is the app's own bundled track and nothing else.
  let music: Promise<Buffer> | null = null
  // (Hono answers HEAD from this GET route, without the body.)
  app.get(HOTLINE_PATHS.holdMusic, async (c) => {
    music ??= readFile(findResource('hold-music.mp3'))
    const bytes = await music
    return c.body(new Uint8Array(bytes), 200, { 'Content-Type': 'audio/mpeg', 'Cache-Control': 'public, max-age=86400' })
  })
}
