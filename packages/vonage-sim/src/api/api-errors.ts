import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * Vonage's REST error body (RFC 7807 style), with the simulator's reason in `detail`; `extra`
 * adds fields such as the Voice API's `invalid_parameters`.
 */
export function apiError(c: Context, status: ContentfulStatusCode, title: string, detail: string, extra: Record<string, unknown> = {}): Response {
  const slug = title.toLowerCase().replace(/[^a-z]+/g, '-')
  return c.json({ type: `https://developer.nexmo.com/api-errors#${slug}`, title, detail, instance: randomUUID(), ...extra }, status)
}
