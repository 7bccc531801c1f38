const STORAGE_KEY = 'voice-journal-token'

/**
 * The headless host opens the page as `/#token=…`. The token moves to sessionStorage so a reload
 * keeps working, and leaves the address bar so it is not shared by copying the URL.
 */
export function takeSessionToken(): string {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
  if (fromHash) {
    sessionStorage.setItem(STORAGE_KEY, fromHash)
    history.replaceState(history.state, '', location.pathname + location.search)
    return fromHash
  }
  return sessionStorage.getItem(STORAGE_KEY) ?? ''
}
