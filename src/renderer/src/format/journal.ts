import type { JournalKind } from '#shared/dto'
import { formatCount } from '#shared/format'

/** Enough of a 52-character key to tell journals apart at a glance; the full key is in the tooltip. */
export function shortKey(key: string): string {
  return key.length <= 12 ? key : `${key.slice(0, 6)}…${key.slice(-4)}`
}

const KIND_LABELS: Record<JournalKind, string> = {
  own: 'Mine',
  followed: 'Following',
  fork: 'Fork',
  hosted: 'Hosting'
}

export function kindLabel(kind: JournalKind): string {
  return KIND_LABELS[kind] ?? kind
}

export function peersLabel(peers: number): string {
  return peers === 1 ? '1 peer' : `${formatCount(peers)} peers`
}
