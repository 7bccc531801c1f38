import { createHmac } from 'node:crypto'
import { teamEventText } from './event-text'
import type { TeamEvent } from './team-event'

export const TIMESTAMP_HEADER = 'X-Voice-Journal-Timestamp'
export const SIGNATURE_HEADER = 'X-Voice-Journal-Signature'

/**
 * The generic webhook's JSON body. `id` stays the same across retries, so a receiver that saw a
 * message before (its 2xx got lost on the way back) can recognise it and drop the repeat.
 */
export interface WebhookBody {
  id: string
  type: TeamEvent['type']
  /** The event in one line of plain text. */
  text: string
  event: TeamEvent
}

export function webhookBody(id: string, event: TeamEvent): string {
  const body: WebhookBody = { id, type: event.type, text: teamEventText(event, 'plain'), event }
  return JSON.stringify(body)
}

/**
 * Headers for one attempt. The signature covers the timestamp and the exact body bytes, so a
 * receiver can refuse a forged message and, by the timestamp, an old one replayed; each retry is
 * signed afresh with its own time.
 */
export function signatureHeaders(secret: string, body: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000))
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${sign(secret, timestamp, body)}` }
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` with the shared secret (the README shows receivers how to check it). */
export function sign(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}
