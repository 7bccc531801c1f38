import type { HOTLINE_NO_ANSWER } from '#shared/settings-schema'
import type { HotlineLine, UnfinishedHotlineCall } from '../intake/call-log'
import { ENDED, SETTLE_GRACE_MS } from './hotline-call'

/**
 * How long past its settle time (ring time and grace) a call is still taken up again after a
 * restart. Staff phones ring at most 120 s (Vonage's `ringing_timer` limit), so by then nobody can
 * be put through; a caller would still be waiting only if they stayed in hold music that long
 * (until Vonage's length timer, 2 hours by default). Older calls are closed in the ledger instead.
 */
export const RESUME_LIMIT_MS = 10 * 60_000

/** A staff leg as the ledger last saw it. */
export interface ResumedLeg {
  name: string
  /** Absent when the app stopped before Vonage named the leg (its own webhooks may still name it). */
  uuid?: string
  status: string
}

/** Everything a waiting hotline call is rebuilt from, read back from its ledger lines. */
export interface ResumedCall {
  callId: string
  /** The caller's leg. */
  uuid: string
  /** The caller's number as the call log has it ('' when it has none). */
  from: string
  hotlineName: string
  ringSeconds: number
  noAnswer: (typeof HOTLINE_NO_ANSWER)[number]
  publicBase: string
  startedAt: number
  legs: ResumedLeg[]
  /** When the caller's leg ended, if before the restart (its event is in the log, the call's outcome is not). */
  callerEndedAt?: number
}

/** What to do at boot with a call that has a start and no outcome. */
export type ResumePlan =
  | { action: 'resume'; call: ResumedCall }
  /** Too old to take up again, or written before calls could be: the lines that close it in the ledger. */
  | { action: 'close'; lines: HotlineLine[] }

/**
 * Decides, from a call's ledger lines and the caller's events, whether it is taken up again (the
 * staff webhooks find it by its id, its ring timer runs for the time left) or closed in the ledger.
 */
export function planResume({ lines, call }: UnfinishedHotlineCall, now: number): ResumePlan {
  const start = lines[0]
  if (start?.kind !== 'hotline') throw new Error('an unfinished hotline call starts with its hotline line')
  const legs: ResumedLeg[] = start.staff.map((name) => ({ name, status: 'dialling' }))
  for (const line of lines) {
    if (line.kind !== 'staff') continue
    const index = line.index ?? legs.findIndex((leg) => leg.name === line.name)
    const leg = legs[index]
    if (!leg) continue
    leg.status = line.status
    leg.uuid ??= line.legUuid
  }
  const callerEnd = call.statuses.find((change) => ENDED.has(change.status))
  const { callId, ringSeconds, noAnswer, publicBase } = start
  const tooOld = now - start.at > (ringSeconds ?? 0) * 1000 + SETTLE_GRACE_MS + RESUME_LIMIT_MS
  if (callId !== undefined && ringSeconds !== undefined && noAnswer !== undefined && publicBase !== undefined && !tooOld) {
    return {
      action: 'resume',
      call: { callId, uuid: start.uuid, from: call.from ?? '', hotlineName: start.name, ringSeconds, noAnswer, publicBase, startedAt: start.at, legs, ...(callerEnd ? { callerEndedAt: callerEnd.at } : {}) }
    }
  }
  // Vonage's ringing timer ended every phone still ringing long ago; what each did is not known.
  const closing: HotlineLine[] = legs.flatMap((leg, index) =>
    ENDED.has(leg.status) ? [] : [{ kind: 'staff' as const, uuid: start.uuid, name: leg.name, status: 'timeout', at: now, index, ...(leg.uuid ? { legUuid: leg.uuid } : {}) }]
  )
  // The caller hung up (their event is in the log) or, as far as anyone knows, nobody answered.
  closing.push(
    callerEnd
      ? { kind: 'outcome', uuid: start.uuid, outcome: 'abandoned', waitedMs: Math.max(0, callerEnd.at - start.at), at: now }
      : { kind: 'outcome', uuid: start.uuid, outcome: 'unanswered', at: now }
  )
  return { action: 'close', lines: closing }
}
