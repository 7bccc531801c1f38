import * as v from 'valibot'
import { API, API_METHODS, ApiError, type ApiErrorCode, type ApiHandlers, type ApiMethod, type VoiceJournalApi } from '#shared/api'
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

/**
 * Checks the argument against the method's schema, calls its handler and wraps the outcome, so
 * no handler sees an unchecked argument and neither transport ever leaks a stack trace.
 */
export async function invokeApi(api: ApiHandlers, method: ApiMethod, args: unknown): Promise<ApiEnvelope<unknown>> {
  try {
    const checked = v.safeParse(API[method].args, args)
    if (!checked.success) {
      const issue = checked.issues[0]
      throw new ApiError('bad-request', issue.message, v.getDotPath(issue)?.split('.')[0] ?? undefined)
    }
    const handler = api[method] as (args: unknown) => Promise<unknown>
    return { ok: true, result: (await handler(checked.output)) ?? null }
  } catch (error) {
    const { code, message, field } = describeError(error)
    if (code === 'internal') log.error({ err: error, method }, `${method} failed`)
    return { ok: false, error: { code, message, ...(field ? { field } : {}) } }
  }
}

/**
 * The contract for callers inside the process (the tray, notifications, tests): the same checks
 * and the same errors as the window gets, with failures thrown as ApiError.
 */
export function checkedApi(handlers: ApiHandlers): VoiceJournalApi {
  const call = async (method: ApiMethod, args: unknown): Promise<unknown> => {
    const envelope = await invokeApi(handlers, method, args)
    if (envelope.ok) return envelope.result
    throw new ApiError(envelope.error.code, envelope.error.message, envelope.error.field)
  }
  return Object.fromEntries(API_METHODS.map((method) => [method, (args?: unknown) => call(method, args)])) as VoiceJournalApi
}

const PEER_UNAVAILABLE_CODES = new Set(['REQUEST_TIMEOUT', 'BLOCK_NOT_AVAILABLE', 'SNAPSHOT_NOT_AVAILABLE'])

function describeError(error: unknown): { code: ApiErrorCode; message: string; field?: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) }
  if (error instanceof SettingsError) return { code: 'bad-request', message: error.message, ...(error.field ? { field: error.field } : {}) }
  if (error instanceof NotAudioError) return { code: 'not-audio', message: error.message }
  if (error instanceof ImportError) return { code: error.code, message: error.message }
  if (error instanceof VonageSetupError) return { code: 'bad-request', message: error.message }
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
  private: 403,
  unavailable: 503,
  'needs-confirmation': 409,
  internal: 500
}
