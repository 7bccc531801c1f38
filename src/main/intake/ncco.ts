import type { Settings } from '../app/settings'

/** One NCCO action as Vonage's wire format has it (the SDK's builders miss `content-type`). */
export type NccoAction = Record<string, unknown>

export interface AnswerContext {
  settings: Settings
  /** Where Vonage reaches this app, e.g. https://example.ngrok.app (no trailing slash). */
  publicBase: string
  /** The answered call's uuid (goes into the stream socket's URI). */
  callUuid: string
  /** Unguessable per-call token for the stream socket. */
  socketToken: string
}

const REFUSAL = 'Sorry, this journal does not take calls from your number. Goodbye.'

export function greeting(settings: Settings): NccoAction[] {
  return settings.greeting ? [{ action: 'talk', text: settings.greeting, language: 'en-US' }] : []
}

/** Where Vonage posts a recording's transcript once it is ready. */
export const TRANSCRIPTION_PATH = '/webhooks/transcription'

/**
 * The `transcription` field of every `record` action the app sends, when transcription is on
 * (a paid Vonage feature, so off unless a language is chosen): the transcript is announced to
 * /webhooks/transcription and downloaded like the recording.
 */
export function transcriptionOf(settings: Settings, publicBase: string): { transcription?: NccoAction } {
  if (!settings.transcriptionLanguage) return {}
  return { transcription: { language: settings.transcriptionLanguage, eventUrl: [`${publicBase}${TRANSCRIPTION_PATH}`], eventMethod: 'POST' } }
}

/** One recording, which Vonage posts to /webhooks/recording when it ends. */
export function recordAction(settings: Settings, publicBase: string): NccoAction {
  return {
    action: 'record',
    format: 'mp3',
    beepStart: true,
    endOnKey: settings.endOnKey,
    timeOut: settings.maxSeconds,
    // Must be an array: a plain string is one of the classic reasons recordings never arrive.
    eventUrl: [`${publicBase}/webhooks/recording`],
    eventMethod: 'POST',
    ...transcriptionOf(settings, publicBase)
  }
}

/** Record mode: greeting, then one recording. */
export function recordNcco({ settings, publicBase }: AnswerContext): NccoAction[] {
  return [...greeting(settings), recordAction(settings, publicBase), { action: 'talk', text: 'Thank you. Your entry is saved.', language: 'en-US' }]
}

/** Stream mode: greeting, then the call's audio to our WebSocket as 16 kHz linear PCM. */
export function streamNcco({ settings, publicBase, callUuid, socketToken }: AnswerContext): NccoAction[] {
  const socketBase = publicBase.replace(/^http/, 'ws')
  const query = new URLSearchParams({ call: callUuid, token: socketToken })
  return [
    ...greeting(settings),
    {
      action: 'connect',
      limit: settings.maxSeconds,
      endpoint: [{ type: 'websocket', uri: `${socketBase}/webhooks/socket?${query}`, 'content-type': 'audio/l16;rate=16000', headers: {} }]
    }
  ]
}

/** A caller not on the allowed list hears one sentence; an NCCO with nothing after it ends the call. */
export function refusalNcco(): NccoAction[] {
  return [{ action: 'talk', text: REFUSAL, language: 'en-US' }]
}
