import type { HeldElsewhere } from '#shared/dto'
import { describeHeldElsewhere, type TimeAgo } from '#shared/held-elsewhere'

export type { TimeAgo }

/**
 * The tray's line about the journals we write: one journal in the window's own words ("Safe on 2
 * other devices"); several by the weakest ("1 of 3 journals only on this computer"), since the
 * tray is where someone checks whether closing the laptop lid is safe. Null without own journals.
 */
export function heldLabel(held: readonly HeldElsewhere[], ago?: TimeAgo): string | null {
  if (held.length === 0) return null
  if (held.length === 1) return describeHeldElsewhere(held[0]!, ago)
  const of = `of ${held.length} journals`
  const onlyHere = held.filter((h) => h.peers === 0 && h.latestSince === null).length
  if (onlyHere > 0) return `${onlyHere} ${of} only on this computer`
  const offline = held.filter((h) => h.peers === 0).length
  if (offline > 0) return `${offline} ${of}: no other device online`
  const newest = Math.max(...held.map((h) => h.latestSince ?? 0))
  return `All ${held.length} journals safe on other devices${ago && newest > 0 ? ` · last change copied ${ago(newest)}` : ''}`
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

/**
 * "3 minutes ago", on the window's thresholds (moment's: seconds under 45 s, minutes under 45 min,
 * hours under 22 h), without bundling moment into the main process for one phrase.
 */
export function timeAgo(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000))
  if (seconds < 45) return 'a few seconds ago'
  const minutes = Math.max(1, Math.round(seconds / 60))
  if (minutes < 45) return relative.format(-minutes, 'minute')
  const hours = Math.max(1, Math.round(minutes / 60))
  if (hours < 22) return relative.format(-hours, 'hour')
  return relative.format(-Math.max(1, Math.round(hours / 24)), 'day')
}
