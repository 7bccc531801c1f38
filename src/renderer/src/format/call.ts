import { formatDuration } from '#shared/format'
import type { CallDto, CallStatusChange, HotlineLedger } from '#shared/intake'

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

/** What each staff phone did, in words: "answered", "declined", "no answer"… */
const STAFF_STATUS_WORDS: Record<string, string> = {
  dialling: 'dialling',
  started: 'ringing',
  ringing: 'ringing',
  answered: 'answered',
  completed: 'answered',
  rejected: 'declined',
  busy: 'busy',
  timeout: 'no answer',
  unanswered: 'no answer',
  cancelled: 'hung up (someone else answered)',
  failed: 'could not be rung',
  machine: 'voicemail picked up'
}

export function staffStatusWords(status: string): string {
  return STAFF_STATUS_WORDS[status] ?? status
}

/** A hotline call's outcome in one line: "Ana answered after 0:12", "Voicemail after 0:40", … */
export function hotlineOutcomeText(ledger: HotlineLedger): string {
  const waited = ledger.waitedMs === undefined ? '' : ` after ${formatDuration(ledger.waitedMs)}`
  switch (ledger.outcome) {
    case 'answered':
      return `${ledger.answeredBy ?? 'Staff'} answered${waited}`
    case 'voicemail':
      return `Nobody answered: voicemail${waited}`
    case 'abandoned':
      return `The caller hung up${waited}`
    case 'unanswered':
      return `Nobody answered${waited}`
    default:
      return 'Ringing the staff…'
  }
}

export function hotlineOutcomeTone(ledger: HotlineLedger): ChipTone {
  if (ledger.outcome === 'answered') return 'done'
  if (ledger.outcome === undefined) return 'progress'
  return 'failure'
}

/** Who was rung and what their phone did: "Ana: answered · Ben: declined". */
export function hotlineRungText(ledger: HotlineLedger): string {
  return ledger.rung.map((staff) => `${staff.name}: ${staff.name === ledger.answeredBy ? 'answered' : staffStatusWords(staff.status)}`).join(' · ')
}
