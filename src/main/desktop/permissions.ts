/**
 * Web permissions the window may use. It plays audio (no permission needed), copies keys and
 * webhook URLs to the clipboard, and records entries from the microphone; nothing else — no
 * camera, notifications from the page, geolocation, or anything a page that slipped in might
 * ask for.
 */
const WINDOW_PERMISSIONS = new Set(['clipboard-sanitized-write', 'media'])

/**
 * Session permission handlers' decision: only the app's own page, only what it uses. `media`
 * (getUserMedia, and device labels) is allowed for sound only: `mediaTypes` are what a request
 * or check is for (Electron's `details.mediaTypes`, or `[details.mediaType]` for a check), and a
 * request that includes video, or says nothing of what it wants, is refused.
 */
export function isPermissionAllowed(permission: string, fromTrustedPage: boolean, mediaTypes: readonly string[] = []): boolean {
  if (!fromTrustedPage || !WINDOW_PERMISSIONS.has(permission)) return false
  if (permission === 'media') return mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio')
  return true
}
