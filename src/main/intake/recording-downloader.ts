import { lookup as systemLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { Vonage } from '@vonage/server-sdk'
import { Agent, setGlobalDispatcher } from 'undici'
import type { Settings } from '../app/settings'
import { isAllowedRecordingUrl } from './recording-event'

/**
 * The SDK downloads only from hosts under vonage.com or nexmo.com. A configured VONAGE_API_HOST
 * (another Vonage API base, such as the local simulator) is presented to the SDK under this
 * reserved name, which the app's connection lookup pins to that host. The download itself —
 * JWT, request, streaming to disk — is the SDK's, exactly as for a real Vonage host.
 */
export const CONFIGURED_API_HOST_ALIAS = 'configured-api-host.vonage.com'

let pinnedHost: string | null = null
let dispatcherInstalled = false

function pinConfiguredHost(hostname: string): void {
  pinnedHost = hostname
  if (dispatcherInstalled) return
  dispatcherInstalled = true
  type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void
  const lookup = (host: string, options: LookupOptions, callback: LookupCallback): void => {
    systemLookup(host === CONFIGURED_API_HOST_ALIAS && pinnedHost ? pinnedHost : host, options, callback as never)
  }
  setGlobalDispatcher(new Agent({ connect: { lookup: lookup as never } }))
}

let cachedClient: { id: string; vonage: Vonage } | null = null

/** One SDK client per application: building one sets up every API client the SDK has. */
function clientFor(applicationId: string, privateKey: string): Vonage {
  const id = `${applicationId}\n${privateKey}`
  if (cachedClient?.id !== id) cachedClient = { id, vonage: new Vonage({ applicationId, privateKey }) }
  return cachedClient.vonage
}

export class DownloadError extends Error {
  constructor(
    message: string,
    /** False when trying again cannot help (wrong key, file gone). */
    readonly retryable: boolean
  ) {
    super(message)
    this.name = 'DownloadError'
  }
}

/** Downloads a recording with the application's JWT through @vonage/server-sdk, streaming to `file`. */
export async function downloadRecording(url: string, file: string, settings: Settings): Promise<void> {
  if (!settings.applicationId || !settings.privateKey) {
    throw new DownloadError('No Vonage application is configured (application id and private key): the recording waits until one is.', true)
  }
  if (!isAllowedRecordingUrl(url, settings.apiHost)) throw new DownloadError('The recording URL is not on a Vonage API host', false)
  let target = url
  if (settings.apiHost && new URL(url).origin === new URL(settings.apiHost).origin) {
    const parsed = new URL(url)
    pinConfiguredHost(parsed.hostname)
    parsed.hostname = CONFIGURED_API_HOST_ALIAS
    target = parsed.toString()
  }
  const vonage = clientFor(settings.applicationId, settings.privateKey)
  try {
    await vonage.voice.downloadRecording(target, file)
  } catch (error) {
    const message = (error as Error).message ?? String(error)
    const status = /Unauthorized|Forbidden|Not Found/i.exec(message)?.[0]
    if (status) {
      throw new DownloadError(
        status === 'Not Found' ? 'Vonage no longer has this recording (they keep them 30 days).' : 'Vonage refused the download: check the application id and private key.',
        status !== 'Not Found'
      )
    }
    throw new DownloadError(`Download failed: ${message}`, true)
  }
}
