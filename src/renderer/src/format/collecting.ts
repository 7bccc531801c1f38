import moment from 'moment'
import type { Collection } from '#shared/dto'
import { formatCount } from '#shared/format'

/** "12 entries came in · the last 3 minutes ago", relative to `now` (a useNow clock). */
export function collectedText(collection: Collection, now: number): string {
  const count = collection.entries === 1 ? '1 entry came in' : `${formatCount(collection.entries)} entries came in`
  if (collection.lastAt === null) return collection.entries === 0 ? 'No entry has come in yet' : count
  // Clamped to `now`, so a time a moment ahead never reads "in a few seconds".
  return `${count} · the last ${moment(Math.min(collection.lastAt, now)).from(now)}`
}

/** What the collector is doing, in a few words. */
export function collectingState(collection: Collection): string {
  if (collection.state === 'copying') return collection.pending > 1 ? `Copying · ${formatCount(collection.pending)} to go` : 'Copying'
  if (collection.state === 'waiting') return 'Waiting for the journal to be reachable'
  return 'Up to date'
}
