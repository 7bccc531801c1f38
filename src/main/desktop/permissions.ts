/**
 * Web permissions the window may use. It plays audio (no permission needed) and copies keys and
 * webhook URLs to the clipboard; nothing else — no microphone, camera, notifications from the
 * page, geolocation, or anything a page that slipped in might ask for.
 */
const WINDOW_PERMISSIONS = new Set(['clipboard-sanitized-write'])

/** Session permission handlers' decision: only the app's own page, only what it uses. */
export function isPermissionAllowed(permission: string, fromTrustedPage: boolean): boolean {
  return fromTrustedPage && WINDOW_PERMISSIONS.has(permission)
}
