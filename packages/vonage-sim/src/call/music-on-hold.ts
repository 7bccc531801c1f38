import type { MusicOnHold } from './call-options'

/** Vonage gives up on hold music it cannot fetch; the caller then waits in silence. */
const FETCH_TIMEOUT_MS = 5000

/**
 * Fetches a conversation's `musicOnHoldUrl` once, with a plain GET (Vonage neither signs nor
 * retries it), and reads it to the end as a player would. Rejects only when `signal` stops the
 * leg (hang-up, transfer); a URL that fails is reported, not thrown: the caller just hears nothing.
 */
export async function fetchMusicOnHold(url: string, signal: AbortSignal): Promise<MusicOnHold> {
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]), redirect: 'follow' })
    await response.arrayBuffer()
    const contentType = response.headers.get('content-type') ?? ''
    return { url, status: response.status, contentType, playable: response.status === 200 && /^audio\//i.test(contentType) }
  } catch (error) {
    signal.throwIfAborted()
    const cause = (error as { cause?: { code?: string } }).cause
    return { url, status: 0, contentType: '', playable: false, error: cause?.code ?? (error as Error).message }
  }
}
