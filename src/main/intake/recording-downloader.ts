import { createWriteStream } from 'node:fs'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { tokenGenerate } from '@vonage/jwt'
import type { Settings } from '../app/settings'
import { isAllowedVonageFileUrl } from './vonage-file-url'

/**
 * Downloads a call recording the way Vonage documents it: a GET with the application's JWT as a
 * bearer token. One path for real Vonage and the local simulator alike: the token comes from
 * @vonage/jwt (the SDK's own generator), the request is a plain streaming fetch, and where it may
 * go is the app's own decision (`isAllowedVonageFileUrl`: a Vonage API host, or exactly the
 * configured VONAGE_API_HOST), made before any request. Redirects are refused rather than
 * followed, so the token is only ever sent to the host that was checked.
 */

/** A recording is minutes of MP3; anything near this is not one (and would fill the disk). */
export const MAX_RECORDING_BYTES = 1024 * 1024 * 1024
/** A stalled download gives up and is retried with backoff instead of holding its slot. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000
/** Tokens live 15 minutes (the generator's default); one is reused for 5, so a burst of downloads signs once. */
const TOKEN_REUSE_MS = 5 * 60_000

export class DownloadError extends Error {
  constructor(
    message: string,
    /** False when trying again cannot help (the file is gone, the answer is not a file). */
    readonly retryable: boolean
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

let cachedToken: { application: string; token: string; madeAt: number } | null = null

function applicationToken(applicationId: string, privateKey: string, now = Date.now()): string {
  const application = `${applicationId}\n${privateKey}`
  if (cachedToken?.application !== application || now - cachedToken.madeAt > TOKEN_REUSE_MS) {
    cachedToken = { application, token: tokenGenerate(applicationId, privateKey), madeAt: now }
  }
  return cachedToken.token
}

/** Downloads a recording with the application's JWT, streaming it to `file` (at most `maxBytes`). */
export function downloadRecording(url: string, file: string, settings: Settings, maxBytes = MAX_RECORDING_BYTES): Promise<void> {
  return downloadVonageFile(url, file, settings, { what: 'recording', maxBytes, accept: 'audio/*, */*' })
}

/** What is being fetched, for the messages a failed download shows. */
export interface VonageFileKind {
  what: 'recording' | 'transcript'
  maxBytes: number
  accept: string
}

/**
 * Downloads a file of Vonage's media API (a recording, a transcript) with the application's JWT,
 * streaming it to `file` and stopping at `maxBytes`.
 */
export async function downloadVonageFile(url: string, file: string, settings: Settings, { what, maxBytes, accept }: VonageFileKind): Promise<void> {
  if (!settings.applicationId || !settings.privateKey) {
    throw new DownloadError(`No Vonage application is configured (application id and private key): the ${what} waits until one is.`, true)
  }
  if (!isAllowedVonageFileUrl(url, settings.apiHost)) throw new DownloadError(`The ${what} URL is not on a Vonage API host`, false)
  let response: Response
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${applicationToken(settings.applicationId, settings.privateKey)}`, Accept: accept },
      redirect: 'manual',
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)
    })
  } catch (error) {
    throw new DownloadError(`Download failed: ${describeFetchError(error)}`, true)
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined) // nothing to read from a refusal
    throw refusal(response.status, what)
  }
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new DownloadError(`The ${what} is ${declared} bytes, more than a call ${what} can be`, false)
  }
  if (!response.body) throw new DownloadError('Vonage answered without a file', true)
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), byteLimit(maxBytes, what), createWriteStream(file))
  } catch (error) {
    if (error instanceof DownloadError) throw error
    throw new DownloadError(`Download failed: ${describeFetchError(error)}`, true)
  }
}

function refusal(status: number, what: VonageFileKind['what']): DownloadError {
  if (status >= 300 && status < 400) return new DownloadError(`The ${what} URL redirects elsewhere (HTTP ${status}); the app does not follow it with its token`, false)
  if (status === 401 || status === 403) return new DownloadError('Vonage refused the download: check the application id and private key.', true)
  if (status === 404 || status === 410) return new DownloadError(`Vonage no longer has this ${what} (they keep files 30 days).`, false)
  return new DownloadError(`Download failed: HTTP ${status}`, true)
}

/** Stops a body that runs past `limit` bytes, whatever its Content-Length said. */
function byteLimit(limit: number, what: VonageFileKind['what']): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > limit) done(new DownloadError(`The ${what} is larger than ${limit} bytes, more than a call ${what} can be`, false))
      else done(null, chunk)
    }
  })
}

/** fetch reports "fetch failed" and hides the reason in `cause` (ECONNREFUSED, a timeout, …). */
function describeFetchError(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (err?.name === 'TimeoutError') return `no answer within ${DOWNLOAD_TIMEOUT_MS / 60_000} minutes`
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(error)
}
