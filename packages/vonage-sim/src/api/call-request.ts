import { parseNcco, type NccoAction } from '../ncco/actions'

/** `POST /v1/calls` as the simulator runs it, once checked. */
export interface OutboundRequest {
  /** The number dialled (E.164 digits, no "+"). */
  to: string
  from: string
  ncco?: NccoAction[]
  answerUrl?: string
  answerMethod: 'GET' | 'POST'
  eventUrl?: string
  eventMethod: 'GET' | 'POST'
  /** Seconds the phone may ring before the call times out (Vonage: 1–120, default 60). */
  ringingTimer: number
  /** Seconds an answered call may last (Vonage: 1–7200, default 7200). */
  lengthTimer: number
  machineDetection?: 'continue' | 'hangup'
}

/** A field Vonage refuses, in its `invalid_parameters` form. */
export interface InvalidParameter {
  name: string
  reason: string
}

export type RequestCheck = { ok: true; request: OutboundRequest } | { ok: false; problems: InvalidParameter[] }

/** E.164 as Vonage takes it: digits only, no leading zero, 7 to 15 of them. */
const E164 = /^[1-9]\d{6,14}$/
/** Used when the app asks for `random_from_number` (the application has this one number here). */
const RANDOM_FROM = '447700900000'

/**
 * Checks a `POST /v1/calls` body as Vonage does. The body is what `@vonage/server-sdk` sends: its
 * keys snake_cased (`answer_url`, `event_url`, `ringing_timer`, …), except the NCCO's, which it
 * leaves as written. Every problem found is reported, not just the first.
 */
export function parseCallRequest(body: unknown): RequestCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problems: [{ name: 'body', reason: 'must be a JSON object' }] }
  const fields = body as Record<string, unknown>
  const problems: InvalidParameter[] = []
  const problem = (name: string, reason: string): undefined => {
    problems.push({ name, reason })
    return undefined
  }

  const phone = (name: string, value: unknown): string | undefined => {
    if (typeof value !== 'object' || value === null) return problem(name, 'must be an endpoint object')
    const endpoint = value as Record<string, unknown>
    if (endpoint.type !== 'phone') return problem(`${name}.type`, `the simulator dials only phone endpoints, not ${String(endpoint.type)}`)
    if (typeof endpoint.number !== 'string' || !E164.test(endpoint.number)) return problem(`${name}.number`, 'must be an E.164 number, digits only without "+"')
    return endpoint.number
  }
  const urlArray = (name: string): string | undefined => {
    const value = fields[name]
    if (value === undefined) return undefined
    if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== 'string') return problem(name, 'must be an array of one URL')
    if (!/^https?:\/\//.test(value[0]) || !URL.canParse(value[0])) return problem(name, 'must be an http(s) URL')
    return value[0]
  }
  const method = (name: string, fallback: 'GET' | 'POST'): 'GET' | 'POST' => {
    const value = fields[name] ?? fallback
    if (value !== 'GET' && value !== 'POST') return problem(name, 'must be GET or POST') ?? fallback
    return value
  }
  const seconds = (name: string, min: number, max: number, fallback: number): number => {
    const value = fields[name] ?? fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return problem(name, `must be a whole number of seconds from ${min} to ${max}`) ?? fallback
    return value
  }

  let to: string | undefined
  if (!Array.isArray(fields.to) || fields.to.length === 0) problem('to', 'is required: an array of one endpoint')
  else if (fields.to.length > 1) problem('to', 'must hold exactly one endpoint')
  else to = phone('to[0]', fields.to[0])

  let from: string | undefined
  if (fields.random_from_number === true) {
    if (fields.from !== undefined) problem('from', 'must not be given with random_from_number')
    else from = RANDOM_FROM
  } else if (fields.random_from_number !== undefined && fields.random_from_number !== false) problem('random_from_number', 'must be true or false')
  else if (fields.from === undefined) problem('from', 'is required (or random_from_number: true)')
  else from = phone('from', fields.from)

  const answerUrl = urlArray('answer_url')
  const eventUrl = urlArray('event_url')
  let ncco: NccoAction[] | undefined
  if (fields.ncco !== undefined) {
    const check = parseNcco(fields.ncco)
    if (check.ok) ncco = check.actions
    else problem('ncco', check.reason)
  }
  if (fields.ncco === undefined && fields.answer_url === undefined) problem('answer_url', 'is required unless an ncco is given')
  if (fields.ncco !== undefined && fields.answer_url !== undefined) problem('ncco', 'give either ncco or answer_url, not both')

  const request = {
    to,
    from,
    ...(ncco ? { ncco } : {}),
    ...(answerUrl ? { answerUrl } : {}),
    answerMethod: method('answer_method', 'GET'),
    ...(eventUrl ? { eventUrl } : {}),
    eventMethod: method('event_method', 'POST'),
    ringingTimer: seconds('ringing_timer', 1, 120, 60),
    lengthTimer: seconds('length_timer', 1, 7200, 7200)
  }
  const detection = fields.machine_detection
  if (detection !== undefined && detection !== 'continue' && detection !== 'hangup') problem('machine_detection', 'must be continue or hangup')
  if (problems.length > 0 || !to || !from) return { ok: false, problems }
  return {
    ok: true,
    request: { ...request, to, from, ...(detection === 'continue' || detection === 'hangup' ? { machineDetection: detection } : {}) }
  }
}
