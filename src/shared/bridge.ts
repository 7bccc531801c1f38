/**
 * How the contract crosses a transport. Thrown errors lose their class across Electron's IPC and
 * contextBridge, so both transports carry results as envelopes and the renderer's client rethrows
 * them as ApiError with the code intact.
 */
import type { ApiArgs, ApiErrorCode, ApiEventName, ApiEvents, ApiMethod, ApiResult } from './api'

export type ApiEnvelope<T> = { ok: true; result: T } | { ok: false; error: { code: ApiErrorCode; message: string; field?: string } }

/** What the Electron preload exposes as `window.voiceJournal`: the contract's methods, enveloped. */
export type ApiBridge = {
  [M in ApiMethod]: (args: ApiArgs<M>) => Promise<ApiEnvelope<ApiResult<M>>>
} & {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
  /** `journal-audio://<journal key>/<entry path>` URL; served by the same range handler as the headless host. */
  audioUrl(journal: string, path: string, version?: number): string
}

/** The message the headless event socket sends. */
export interface EventMessage<E extends ApiEventName = ApiEventName> {
  event: E
  payload: ApiEvents[E]
}

/** Custom scheme Electron registers (privileged, stream: true) for the audio of entries. */
export const AUDIO_SCHEME = 'journal-audio'

/**
 * `/<journal key>/recordings/…` with every segment encoded: the part of an audio URL both
 * transports share (the headless host prefixes /audio, Electron uses the key as the host).
 */
export function audioResourcePath(journal: string, path: string, version?: number): string {
  const encoded = path.split('/').map(encodeURIComponent).join('/')
  return `/${encodeURIComponent(journal)}${encoded}${version === undefined ? '' : `?version=${version}`}`
}

/** The journal key and entry path of an audio URL's path (`/<key>/recordings/…`), or null. */
export function parseAudioResourcePath(pathname: string): { journal: string; path: string } | null {
  const match = /^\/([^/]+)(\/.*)$/.exec(pathname)
  if (!match?.[1] || !match[2]) return null
  try {
    return { journal: decodeURIComponent(match[1]), path: decodeURIComponent(match[2]) }
  } catch {
    return null
  }
}
