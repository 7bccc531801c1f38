import { API_METHODS, ApiError, type ApiErrorCode, type ApiMethod, type VoiceJournalApi } from '#shared/api'
import type { ApiEnvelope } from '#shared/bridge'
import { SettingsError } from '../app/settings'
import { VonageSetupError } from '../intake/vonage-application'
import { ImportError } from '../journal/audio-import'
import { NotAudioError } from '../journal/audio-probe'
import { JournalError } from '../journal/journal'
import { logger } from '../app/logging'

const log = logger('api')

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name)
}

/** Calls one handler and wraps the outcome, so neither transport ever leaks a stack trace. */
export async function invokeApi(api: VoiceJournalApi, method: ApiMethod, args: unknown): Promise<ApiEnvelope<unknown>> {
  try {
    const handler = api[method] as (args: unknown) => Promise<unknown>
    return { ok: true, result: (await handler(args ?? {})) ?? null }
  } catch (error) {
    const { code, message } = describeError(error)
    if (code === 'internal') log.error({ err: error, method }, `${method} failed`)
    return { ok: false, error: { code, message } }
  }
}

const PEER_UNAVAILABLE_CODES = new Set(['REQUEST_TIMEOUT', 'BLOCK_NOT_AVAILABLE', 'SNAPSHOT_NOT_AVAILABLE'])

function describeError(error: unknown): { code: ApiErrorCode; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message }
  if (error instanceof NotAudioError) return { code: 'not-audio', message: error.message }
  if (error instanceof ImportError) return { code: error.code, message: error.message }
  if (error instanceof SettingsError || error instanceof VonageSetupError) return { code: 'bad-request', message: error.message }
  // Hypercore's codes for a block no connected peer sent in time: the journal is not here in full.
  if (PEER_UNAVAILABLE_CODES.has((error as { code?: unknown } | null)?.code as string)) {
    return { code: 'unavailable', message: 'This part of the journal is not on this device and no peer sent it in time. Try again when one of its peers is online.' }
  }
  if (error instanceof JournalError) {
    return { code: error.code === 'bad-version' ? 'bad-request' : error.code, message: error.message }
  }
  return { code: 'internal', message: 'Something went wrong in the app; details are in its log.' }
}

/** HTTP status for an error code, for the headless transport. */
export const HTTP_STATUS: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  'not-found': 404,
  'not-audio': 415,
  'too-large': 413,
  'read-only': 403,
  unavailable: 503,
  'needs-confirmation': 409,
  internal: 500
}
