/**
 * Where the app may send its application JWT: the URL of a file on Vonage's media API
 * (`/v1/files/<id>`, or `/v3/files/<id>` as the SDK builds from a bare id) on a Vonage API host
 * over https, or on exactly the configured VONAGE_API_HOST (the simulator, a proxy). Recordings and
 * transcripts are both such files, so both events' URLs are checked here, before anything is
 * queued, and again before each download.
 */

const VONAGE_API_HOST = /^api(-[a-z]{2}(-\d{1,2})?)?\.(nexmo|vonage)\.com$/
const FILE_PATH = /^\/v[13]\/files\/[A-Za-z0-9-]{1,64}$/

export function isAllowedVonageFileUrl(text: string, configuredApiHost: string): boolean {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return false
  }
  if (url.username || url.password || url.search || url.hash || !FILE_PATH.test(url.pathname)) return false
  if (url.protocol === 'https:' && VONAGE_API_HOST.test(url.hostname) && (url.port === '' || url.port === '443')) return true
  if (!configuredApiHost) return false
  try {
    return url.origin === new URL(configuredApiHost).origin
  } catch {
    return false
  }
}
