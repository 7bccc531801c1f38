/** `m:ss` or `h:mm:ss` for a duration in milliseconds, as players show it. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}

/**
 * A whole number with thousands separators, as the window writes counts (10,000). Not
 * `toLocaleString`: its first call loads the locale data, 60–130 ms on this machine, in the middle
 * of the window's first render.
 */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
