import type { Context } from 'hono'
import { checkSignature } from './webhook-signature'

/** Vonage's webhook bodies are a few hundred bytes; anything near this is not Vonage. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024

/** A webhook's body as read: the raw bytes (what the signature covers) and their JSON (the query's fields for a GET). */
export type WebhookBody = { raw: Uint8Array; json: unknown }

/**
 * Reads a webhook once, with the size limit, checks its signature against the raw bytes (when a
 * signature secret is configured) and parses it; any failure is the response to send.
 */
export async function readWebhook(c: Context, secret: string): Promise<WebhookBody | Response> {
  const declared = Number(c.req.header('content-length') ?? 0)
  if (declared > WEBHOOK_BODY_LIMIT) return refuse(c, 413, 'body too large')
  const raw = new Uint8Array(await c.req.arrayBuffer())
  if (raw.byteLength > WEBHOOK_BODY_LIMIT) return refuse(c, 413, 'body too large')
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

export function refuse(c: Context, status: 400 | 401 | 404 | 413, message: string): Response {
  if (status === 413) c.header('Connection', 'close')
  return c.json({ error: message }, status)
}
