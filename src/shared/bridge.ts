/**
 * How the contract crosses a transport. Thrown errors lose their class across Electron's IPC and
 * contextBridge, so both transports carry results as envelopes and the renderer's client rethrows
 * them as ApiError with the code intact.
 */
import type { ApiArgs, ApiErrorCode, ApiEventName, ApiEvents, ApiMethod, ApiResult } from './api'

export type ApiEnvelope<T> = { ok: true; result: T } | { ok: false; error: { code: ApiErrorCode; message: string } }

/** What the Electron preload exposes as `window.voiceJournal`: the contract's methods, enveloped. */
export type ApiBridge = {
  [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiEnvelope<ApiResult<M>>>
} & {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
  /** `journal-audio://` URL for an entry; served by the same range handler as the headless host. */
  audioUrl(path: string, version?: number): string
}

/** The message the headless event socket sends. */
export interface EventMessage<E extends ApiEventName = ApiEventName> {
  event: E
  payload: ApiEvents[E]
}

/** Custom scheme Electron registers (privileged, stream: true) for the audio of entries. */
export const AUDIO_SCHEME = 'journal-audio'
