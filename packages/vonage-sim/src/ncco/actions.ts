/** The NCCO actions the simulator runs, after validation (wire names, as the app sends them). */
export interface TalkAction {
  action: 'talk'
  text: string
  loop?: number
}

export interface RecordAction {
  action: 'record'
  format: 'mp3' | 'wav' | 'ogg'
  beepStart: boolean
  endOnKey?: string
  endOnSilence?: number
  timeOut: number
  eventUrl?: string
  eventMethod: 'GET' | 'POST'
  /** Transcribe the recording (`{}` turns it on with defaults); absent: no transcription. */
  transcription?: TranscriptionRequest
}

/** `record.transcription`: where the transcription event goes (default: the record's `eventUrl`). */
export interface TranscriptionRequest {
  language: string
  eventUrl?: string
  eventMethod: 'GET' | 'POST'
  sentimentAnalysis: boolean
}

/** BCP-47, as Vonage takes it (`en-US`, `pt-BR`, …). */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/

export interface InputAction {
  action: 'input'
  maxDigits: number
  timeOut: number
  submitOnHash: boolean
  eventUrl?: string
  eventMethod: 'GET' | 'POST'
}

export interface WebSocketEndpoint {
  uri: string
  contentType: string
  sampleRate: 8000 | 16000 | 24000
  headers: Record<string, unknown>
}

export interface ConnectAction {
  action: 'connect'
  endpoint: WebSocketEndpoint
  limit: number
  eventUrl?: string
  eventMethod: 'GET' | 'POST'
}

/**
 * Joins a named conversation, shared by every leg that names it. `canSpeak`, `canHear` and `mute`
 * are checked and kept, not simulated (nobody's audio is mixed here).
 */
export interface ConversationAction {
  action: 'conversation'
  name: string
  musicOnHoldUrl?: string
  startOnEnter: boolean
  endOnExit: boolean
  record: boolean
  eventUrl?: string
  eventMethod: 'GET' | 'POST'
  canSpeak?: string[]
  canHear?: string[]
  mute: boolean
}

export type NccoAction = TalkAction | RecordAction | InputAction | ConnectAction | ConversationAction

export type NccoCheck = { ok: true; actions: NccoAction[] } | { ok: false; reason: string }

/** Vonage's wording for any NCCO it cannot run; the simulator adds what exactly was wrong. */
export const NCCO_SYNTAX_ERROR = 'Syntax error in NCCO. Invalid value type or action.'

const KNOWN_BUT_NOT_SIMULATED = ['stream', 'notify', 'wait', 'transfer']
const DTMF_KEY = /^[0-9*#]$/

class NccoError extends Error {}

/**
 * Checks a whole NCCO before running any of it, as Vonage does: a JSON array of known actions
 * with valid fields. `eventUrl` must be an array of one URL (a plain string is refused).
 */
export function parseNcco(value: unknown): NccoCheck {
  try {
    if (!Array.isArray(value)) throw new NccoError('the NCCO must be a JSON array')
    if (value.length === 0) throw new NccoError('the NCCO is empty')
    return { ok: true, actions: value.map((action, index) => parseAction(action, index)) }
  } catch (error) {
    if (error instanceof NccoError) return { ok: false, reason: `${NCCO_SYNTAX_ERROR} (${error.message})` }
    throw error
  }
}

function parseTranscription(value: unknown, where: string): TranscriptionRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NccoError(`${where}: transcription must be an object`)
  const fields = value as Record<string, unknown>
  const language = fields.language ?? 'en-US'
  if (typeof language !== 'string' || !LANGUAGE_TAG.test(language)) throw new NccoError(`${where}: transcription.language must be a BCP-47 tag such as en-US`)
  let eventUrl: string | undefined
  if (fields.eventUrl !== undefined) {
    const urls = fields.eventUrl
    if (!Array.isArray(urls) || urls.length !== 1 || typeof urls[0] !== 'string') throw new NccoError(`${where}: transcription.eventUrl must be an array of one URL`)
    if (!/^https?:\/\//.test(urls[0]) || !URL.canParse(urls[0])) throw new NccoError(`${where}: transcription.eventUrl[0] is not an http(s) URL`)
    eventUrl = urls[0]
  }
  const eventMethod = fields.eventMethod ?? 'POST'
  if (eventMethod !== 'GET' && eventMethod !== 'POST') throw new NccoError(`${where}: transcription.eventMethod must be GET or POST`)
  const sentimentAnalysis = fields.sentimentAnalysis ?? false
  if (typeof sentimentAnalysis !== 'boolean') throw new NccoError(`${where}: transcription.sentimentAnalysis must be true or false`)
  return { language, ...(eventUrl ? { eventUrl } : {}), eventMethod, sentimentAnalysis }
}

function parseAction(value: unknown, index: number): NccoAction {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NccoError(`action ${index} is not an object`)
  const fields = value as Record<string, unknown>
  const where = `action ${index} (${String(fields.action)})`
  const number = (name: string, min: number, max: number, fallback: number): number => {
    const field = fields[name]
    if (field === undefined) return fallback
    if (typeof field !== 'number' || !Number.isFinite(field) || field < min || field > max) throw new NccoError(`${where}: ${name} must be a number from ${min} to ${max}`)
    return field
  }
  const boolean = (name: string, fallback: boolean): boolean => {
    const field = fields[name]
    if (field === undefined) return fallback
    if (typeof field !== 'boolean') throw new NccoError(`${where}: ${name} must be true or false`)
    return field
  }
  const urlArray = (name: string): string | undefined => {
    const field = fields[name]
    if (field === undefined) return undefined
    if (!Array.isArray(field) || field.length !== 1 || typeof field[0] !== 'string') throw new NccoError(`${where}: ${name} must be an array of one URL`)
    if (!/^https?:\/\//.test(field[0]) || !URL.canParse(field[0])) throw new NccoError(`${where}: ${name}[0] is not an http(s) URL`)
    return field[0]
  }
  const eventUrl = (): string | undefined => urlArray('eventUrl')
  const legUuids = (name: string): string[] | undefined => {
    const field = fields[name]
    if (field === undefined) return undefined
    if (!Array.isArray(field) || field.some((uuid) => typeof uuid !== 'string' || uuid === '')) throw new NccoError(`${where}: ${name} must be an array of leg uuids`)
    return field as string[]
  }
  const eventMethod = (): 'GET' | 'POST' => {
    const field = fields.eventMethod ?? 'POST'
    if (field !== 'GET' && field !== 'POST') throw new NccoError(`${where}: eventMethod must be GET or POST`)
    return field
  }

  switch (fields.action) {
    case 'talk': {
      if (typeof fields.text !== 'string' || fields.text.length === 0 || fields.text.length > 1500) throw new NccoError(`${where}: text must be 1–1500 characters`)
      return { action: 'talk', text: fields.text, loop: number('loop', 0, 100, 1) }
    }
    case 'record': {
      const format = fields.format ?? 'mp3'
      if (format !== 'mp3' && format !== 'wav' && format !== 'ogg') throw new NccoError(`${where}: format must be mp3, wav or ogg`)
      const endOnKey = fields.endOnKey
      if (endOnKey !== undefined && (typeof endOnKey !== 'string' || !DTMF_KEY.test(endOnKey))) throw new NccoError(`${where}: endOnKey must be one of 0-9 * #`)
      const endOnSilence = fields.endOnSilence === undefined ? undefined : number('endOnSilence', 3, 10, 3)
      return {
        action: 'record',
        format,
        beepStart: boolean('beepStart', false),
        ...(endOnKey !== undefined ? { endOnKey } : {}),
        ...(endOnSilence !== undefined ? { endOnSilence } : {}),
        timeOut: number('timeOut', 3, 7200, 7200),
        eventUrl: eventUrl(),
        eventMethod: eventMethod(),
        ...(fields.transcription !== undefined ? { transcription: parseTranscription(fields.transcription, where) } : {})
      }
    }
    case 'input': {
      const type = fields.type
      if (!Array.isArray(type) || type.length === 0 || type.some((t) => t !== 'dtmf' && t !== 'speech')) throw new NccoError(`${where}: type must be an array of "dtmf" and/or "speech"`)
      if (!type.includes('dtmf')) throw new NccoError(`${where}: the simulator only answers dtmf input`)
      const dtmf = fields.dtmf ?? {}
      if (typeof dtmf !== 'object' || dtmf === null) throw new NccoError(`${where}: dtmf must be an object`)
      const settings = dtmf as Record<string, unknown>
      const inRange = (name: string, min: number, max: number, fallback: number): number => {
        const field = settings[name]
        if (field === undefined) return fallback
        if (typeof field !== 'number' || field < min || field > max) throw new NccoError(`${where}: dtmf.${name} must be a number from ${min} to ${max}`)
        return field
      }
      if (settings.submitOnHash !== undefined && typeof settings.submitOnHash !== 'boolean') throw new NccoError(`${where}: dtmf.submitOnHash must be true or false`)
      return {
        action: 'input',
        maxDigits: inRange('maxDigits', 1, 20, 4),
        timeOut: inRange('timeOut', 0, 10, 3),
        submitOnHash: settings.submitOnHash === true,
        eventUrl: eventUrl(),
        eventMethod: eventMethod()
      }
    }
    case 'connect': {
      const endpoints = fields.endpoint
      if (!Array.isArray(endpoints) || endpoints.length !== 1 || typeof endpoints[0] !== 'object' || endpoints[0] === null) {
        throw new NccoError(`${where}: endpoint must be an array of one endpoint`)
      }
      const endpoint = endpoints[0] as Record<string, unknown>
      if (endpoint.type !== 'websocket') throw new NccoError(`${where}: the simulator connects only to websocket endpoints, not ${String(endpoint.type)}`)
      if (typeof endpoint.uri !== 'string' || !/^wss?:\/\//.test(endpoint.uri) || !URL.canParse(endpoint.uri)) throw new NccoError(`${where}: endpoint uri must be a ws:// or wss:// URL`)
      const contentType = endpoint['content-type']
      const rate = typeof contentType === 'string' ? /^audio\/l16;rate=(8000|16000|24000)$/.exec(contentType)?.[1] : undefined
      if (!rate) throw new NccoError(`${where}: endpoint content-type must be audio/l16;rate=8000, 16000 or 24000`)
      const headers = endpoint.headers ?? {}
      if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) throw new NccoError(`${where}: endpoint headers must be an object`)
      if (Buffer.byteLength(JSON.stringify(headers)) > 512) throw new NccoError(`${where}: endpoint headers exceed 512 bytes`)
      return {
        action: 'connect',
        endpoint: { uri: endpoint.uri, contentType: contentType as string, sampleRate: Number(rate) as 8000 | 16000 | 24000, headers: headers as Record<string, unknown> },
        limit: number('limit', 1, 7200, 7200),
        eventUrl: eventUrl(),
        eventMethod: eventMethod()
      }
    }
    case 'conversation': {
      if (typeof fields.name !== 'string' || fields.name.trim() === '') throw new NccoError(`${where}: name is required`)
      const musicOnHoldUrl = urlArray('musicOnHoldUrl')
      const canSpeak = legUuids('canSpeak')
      const canHear = legUuids('canHear')
      return {
        action: 'conversation',
        name: fields.name,
        ...(musicOnHoldUrl !== undefined ? { musicOnHoldUrl } : {}),
        startOnEnter: boolean('startOnEnter', true),
        endOnExit: boolean('endOnExit', false),
        record: boolean('record', false),
        eventUrl: eventUrl(),
        eventMethod: eventMethod(),
        ...(canSpeak ? { canSpeak } : {}),
        ...(canHear ? { canHear } : {}),
        mute: boolean('mute', false)
      }
    }
    default:
      if (typeof fields.action === 'string' && KNOWN_BUT_NOT_SIMULATED.includes(fields.action)) throw new NccoError(`${where}: the simulator does not run this action`)
      throw new NccoError(`${where}: unknown action`)
  }
}
