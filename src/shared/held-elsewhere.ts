import type { HeldElsewhere } from './dto'

/** "3 minutes ago" for a time in ms; the window and the tray each bring their own clock. */
export type TimeAgo = (at: number) => string

const devices = (n: number): string => `${n} other ${n === 1 ? 'device' : 'devices'}`

/**
 * One journal of ours, in words: "Safe on 2 other devices · last change copied 3 minutes ago",
 * "Only on this computer", or — the peer that copied it is offline now — "No other device online
 * · last change copied …". Without `ago` the time is left out (for text nothing redraws).
 */
export function describeHeldElsewhere(held: HeldElsewhere, ago?: TimeAgo): string {
  const copied = held.latestSince !== null && ago ? ` · last change copied ${ago(held.latestSince)}` : ''
  if (held.peers > 0) return `Safe on ${devices(held.peers)}${copied}`
  return held.latestSince === null ? 'Only on this computer' : `No other device online${copied}`
}
