import type { CallDto, CallStatusChange } from '#shared/intake'

/** Vonage call states that mean the call did not go through (or went wrong). */
const FAILURES = new Set(['busy', 'cancelled', 'failed', 'rejected', 'timeout', 'unanswered'])

export type ChipTone = 'neutral' | 'progress' | 'done' | 'failure'

export interface TimelineChip {
  status: string
  at: number
  tone: ChipTone
}

export function statusTone(status: string): ChipTone {
  if (FAILURES.has(status)) return 'failure'
  if (status === 'completed') return 'done'
  if (status === 'answered') return 'progress'
  return 'neutral'
}

/** The call's states in the order they happened; a repeated state (retried webhook) shows once. */
export function callTimeline(statuses: readonly CallStatusChange[]): TimelineChip[] {
  const ordered = statuses.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at || a.i - b.i)
  const chips: TimelineChip[] = []
  for (const { s } of ordered) {
    if (chips[chips.length - 1]?.status === s.status) continue
    chips.push({ status: s.status, at: s.at, tone: statusTone(s.status) })
  }
  return chips
}

/** Numbers arrive as E.164 digits without "+"; anything else (a SIP URI, "Unknown") shows as is. */
export function formatCaller(from: CallDto['from']): string {
  if (!from) return 'Unknown caller'
  return /^\d{6,15}$/.test(from) ? `+${from}` : from
}
