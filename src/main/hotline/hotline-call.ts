import type { HotlineOutcome } from '#shared/intake'
import type { Settings } from '../app/settings'
import type { HotlineLine } from '../intake/call-log'
import type { NccoAction } from '../intake/ncco'
import type { CallEvent } from '../intake/webhook-payloads'
import { HOTLINE_PATHS, joiningAnnouncement, staffJoinNcco, staffTooLateNcco, unansweredNcco, voicemailNcco } from './hotline-ncco'
import type { ResumedCall } from './hotline-resume'
import type { StaffDialer } from './staff-dialer'

/** What a hotline call tells the rest of the app as it goes (notifications are made from these). */
export type HotlineEvent =
  | { type: 'call-started'; callId: string; hotline: string; at: number; callerNumber: string }
  | { type: 'call-answered'; callId: string; hotline: string; at: number; staffName: string; waitedMs: number }
  | { type: 'call-missed'; callId: string; hotline: string; at: number; outcome: Exclude<HotlineOutcome, 'answered'>; waitedMs: number }

export interface HotlineCallDeps {
  /** The settings when the call came in: a change mid-call applies to the next call. */
  settings: Settings
  /** Where Vonage reaches this app (no trailing slash). */
  publicBase: string
  dialer: StaffDialer
  ledger: (line: HotlineLine) => Promise<void>
  emit: (event: HotlineEvent) => void
  /** A background step that failed (Vonage refused, the ledger could not be written). */
  failed: (error: unknown, what: string) => void
  /** Once the call needs nothing more from the hotline. */
  finished: () => void
}

export interface HotlineCaller {
  callId: string
  /** The caller's leg. */
  uuid: string
  /** The caller's number, E.164 digits (told to staff only if the settings allow; '' if not known). */
  from: string
  /** The number called: the hotline's Vonage number, when none is set. */
  to: string
}

/** Statuses after which a leg is gone. */
export const ENDED = new Set(['completed', 'cancelled', 'rejected', 'busy', 'timeout', 'unanswered', 'failed', 'machine'])
/** Past the ring time, a call no event has settled is treated as unanswered (events can be lost). */
export const SETTLE_GRACE_MS = 20_000

type State = 'waiting' | 'connected' | 'voicemail' | 'unanswered' | 'abandoned'

interface StaffLeg {
  name: string
  number: string
  /** Known once Vonage has answered the dial request (or its answer webhook came first). */
  uuid?: string
  status: string
  ended: boolean
}

/**
 * One hotline call: the caller waits in a conversation of their own while every staff member is
 * rung at once; the first to answer is whispered to and joins, the caller is told who joins, and
 * every other staff leg is hung up. If nobody answers, the caller leaves a message (or hears a
 * goodbye); if the caller hangs up first, the staff legs are hung up. Each step goes to the ledger,
 * and what a restart needs to take the call up again is on disk before it matters.
 */
export class HotlineCall {
  readonly conversationName: string
  private readonly legs: StaffLeg[]
  private readonly startedAt: number
  /** When a call no event has settled is treated as unanswered. */
  private readonly settleAt: number
  private state: State = 'waiting'
  private dialling: boolean
  private answeredBy: StaffLeg | null = null
  private callerGone = false
  private readonly settleTimer: NodeJS.Timeout
  private forgetTimer: NodeJS.Timeout | undefined

  /** `resumed`: the call is taken up again after a restart, with its start and its legs as the ledger has them. */
  constructor(
    readonly caller: HotlineCaller,
    private readonly deps: HotlineCallDeps,
    resumed?: Pick<ResumedCall, 'startedAt' | 'legs'>
  ) {
    this.conversationName = `hotline-${caller.callId}`
    this.startedAt = resumed?.startedAt ?? Date.now()
    this.legs = resumed
      ? resumed.legs.map((leg) => ({ name: leg.name, number: '', ...(leg.uuid ? { uuid: leg.uuid } : {}), status: leg.status, ended: ENDED.has(leg.status) }))
      : deps.settings.hotlineStaff.map((member) => ({ name: member.name, number: member.number, status: 'dialling', ended: false }))
    // A resumed call's phones were rung before the restart; its timer runs for the time left.
    this.dialling = !resumed
    this.settleAt = this.startedAt + deps.settings.ringSeconds * 1000 + SETTLE_GRACE_MS
    this.settleTimer = setTimeout(() => this.settleUnanswered(), Math.max(0, this.settleAt - Date.now()))
    this.settleTimer.unref()
  }

  /**
   * Writes the call's start, then rings every staff member at once without waiting for Vonage.
   * The start is on disk first: after a crash or restart, the staff webhooks (which name the call
   * by its id) and the ring timer find the call again from it.
   */
  async start(): Promise<void> {
    const { settings, publicBase } = this.deps
    await this.write({
      kind: 'hotline',
      uuid: this.caller.uuid,
      name: settings.hotlineName,
      staff: this.legs.map((leg) => leg.name),
      at: this.startedAt,
      callId: this.caller.callId,
      ringSeconds: settings.ringSeconds,
      noAnswer: settings.hotlineNoAnswer,
      publicBase
    })
    // The caller left while the start was being written: nobody is rung (the forget timer ends the call).
    if (this.state !== 'waiting') return
    this.deps.emit({ type: 'call-started', callId: this.caller.callId, hotline: settings.hotlineName, at: this.startedAt, callerNumber: this.caller.from })
    void Promise.all(this.legs.map((leg, index) => this.dial(leg, index))).then(() => {
      this.dialling = false
      this.settleIfNobodyLeft()
      this.finishIfDone()
    })
  }

  /**
   * Takes the call up again after a restart, where the ledger left it. Whatever Vonage sent while
   * the app was down is lost: it retries a webhook only briefly, then drops it. So a caller who hung
   * up meanwhile is known only if that event was logged before the app stopped (else their next
   * event, or the ring timer, settles the call), and phones that stopped ringing unheard are
   * settled by the ring timer, which runs for the time left (or settles the call now).
   */
  resume(callerEndedAt: number | undefined): void {
    if (callerEndedAt !== undefined) return this.callerHungUp(callerEndedAt)
    if (Date.now() >= this.settleAt) return this.settleUnanswered()
    this.settleIfNobodyLeft()
  }

  /**
   * A staff leg answered and asks what to do: the first joins the caller, anyone later is thanked.
   * The answer is on disk before they join: a call someone took is never taken up again after a
   * crash (and sent to voicemail under them).
   */
  async staffAnswered(index: number, legUuid: string, showCallerNumber: boolean): Promise<NccoAction[]> {
    const leg = this.legs[index]
    if (!leg) return staffTooLateNcco()
    leg.uuid ??= legUuid
    if (this.state !== 'waiting' || this.answeredBy) return staffTooLateNcco()
    this.answeredBy = leg
    this.state = 'connected'
    clearTimeout(this.settleTimer)
    const now = Date.now()
    const waitedMs = now - this.startedAt
    this.setStatus(leg, 'answered', now)
    await this.write({ kind: 'outcome', uuid: this.caller.uuid, outcome: 'answered', waitedMs, answeredBy: leg.name, at: now })
    this.deps.emit({ type: 'call-answered', callId: this.caller.callId, hotline: this.deps.settings.hotlineName, at: now, staffName: leg.name, waitedMs })
    this.background(this.deps.dialer.say(this.caller.uuid, joiningAnnouncement(leg.name)), 'tell the caller who is joining')
    this.hangUpOthers()
    return staffJoinNcco(this.deps.settings, leg.name, this.conversationName, showCallerNumber && this.caller.from ? this.caller.from : null)
  }

  /** A staff leg's status changed. */
  staffEvent(index: number, event: CallEvent): void {
    const leg = this.legs[index]
    if (!leg) return
    leg.uuid ??= event.uuid
    // "answered" is told by the answer webhook, which decides who joins; the event only confirms it.
    if (event.status === 'answered') return
    this.setStatus(leg, event.status, Date.parse(event.timestamp ?? '') || Date.now(), event.conversation_uuid)
    this.settleIfNobodyLeft()
  }

  /** The caller's leg changed: hanging up before anyone answered abandons the call. */
  callerEvent(event: CallEvent): void {
    if (ENDED.has(event.status)) this.callerHungUp()
  }

  close(): void {
    clearTimeout(this.settleTimer)
    clearTimeout(this.forgetTimer)
  }

  /** `at`: when the caller hung up (before a restart, as logged), for how long they waited. */
  private callerHungUp(at = Date.now()): void {
    if (this.callerGone) return
    this.callerGone = true
    clearTimeout(this.settleTimer)
    if (this.state === 'waiting') {
      this.state = 'abandoned'
      this.finish('abandoned', at)
      this.hangUpOthers()
    }
    // The staff legs' last events (a hung-up phone's `cancelled`) still belong in the ledger: the
    // call is forgotten once they are in, or after a while if one never comes.
    this.forgetTimer = setTimeout(() => this.deps.finished(), SETTLE_GRACE_MS)
    this.forgetTimer.unref()
    this.finishIfDone()
  }

  private finishIfDone(): void {
    if (this.callerGone && !this.dialling && this.legs.every((leg) => leg.ended)) this.deps.finished()
  }

  private async dial(leg: StaffLeg, index: number): Promise<void> {
    const { settings, publicBase } = this.deps
    const query = `call=${this.caller.callId}&staff=${index}`
    try {
      const uuid = await this.deps.dialer.dial({
        to: leg.number,
        from: settings.vonageNumber || `+${this.caller.to.replace(/\D/g, '')}`,
        answerUrl: `${publicBase}${HOTLINE_PATHS.staffAnswer}?${query}`,
        eventUrl: `${publicBase}${HOTLINE_PATHS.staffEvent}?${query}`,
        ringSeconds: settings.ringSeconds
      })
      leg.uuid ??= uuid
      if (leg.status === 'dialling') this.setStatus(leg, 'started', Date.now())
      // Someone answered (or the caller left) while this leg was being placed.
      if (this.state !== 'waiting' && leg !== this.answeredBy && !leg.ended) this.hangUp(leg)
    } catch (error) {
      this.deps.failed(error, `ring ${leg.name}`)
      this.setStatus(leg, 'failed', Date.now())
    }
  }

  private hangUpOthers(): void {
    for (const leg of this.legs) if (leg !== this.answeredBy && !leg.ended && leg.uuid) this.hangUp(leg)
  }

  private hangUp(leg: StaffLeg): void {
    // A leg that ended on its own meanwhile is refused by Vonage; its own event tells the ledger.
    this.background(this.deps.dialer.hangUp(leg.uuid!), `hang up ${leg.name}'s phone`)
  }

  private setStatus(leg: StaffLeg, status: string, at: number, conversationUuid?: string): void {
    if (leg.ended) return
    leg.status = status
    leg.ended = ENDED.has(status)
    // With its place in the list and its uuid: after a restart, the leg is known again (and can be hung up).
    const known = { index: this.legs.indexOf(leg), ...(leg.uuid ? { legUuid: leg.uuid } : {}), ...(conversationUuid ? { conversationUuid } : {}) }
    this.record({ kind: 'staff', uuid: this.caller.uuid, name: leg.name, status, at, ...known })
    if (leg.ended) this.finishIfDone()
  }

  /** Every staff leg has ended and nobody answered: voicemail, or a goodbye. */
  private settleIfNobodyLeft(): void {
    if (this.state !== 'waiting' || this.dialling || this.legs.some((leg) => !leg.ended)) return
    this.noAnswer()
  }

  private settleUnanswered(): void {
    if (this.state !== 'waiting') return
    // Hung up before they count as timed out (which would leave them out): phones still ringing stop.
    this.hangUpOthers()
    for (const leg of this.legs) if (!leg.ended) this.setStatus(leg, 'timeout', Date.now())
    this.noAnswer()
  }

  private noAnswer(): void {
    const { settings, publicBase } = this.deps
    clearTimeout(this.settleTimer)
    const voicemail = settings.hotlineNoAnswer === 'voicemail'
    const outcome = (this.state = voicemail ? 'voicemail' : 'unanswered')
    const at = Date.now()
    const ncco = voicemail ? voicemailNcco(settings, publicBase) : unansweredNcco(settings)
    // The caller is moved before the outcome is written: a crash in between takes the call up again
    // and moves them once more, where the other order would leave them in hold music for good.
    void this.deps.dialer
      .transfer(this.caller.uuid, ncco)
      .catch((error: unknown) => this.deps.failed(error, voicemail ? 'send the caller to voicemail' : 'tell the caller nobody answered'))
      .then(() => this.finish(outcome, at))
  }

  private finish(outcome: Exclude<HotlineOutcome, 'answered'>, at = Date.now()): void {
    const waitedMs = at - this.startedAt
    this.record({ kind: 'outcome', uuid: this.caller.uuid, outcome, waitedMs, at })
    this.deps.emit({ type: 'call-missed', callId: this.caller.callId, hotline: this.deps.settings.hotlineName, at, outcome, waitedMs })
  }

  private record(line: HotlineLine): void {
    void this.write(line)
  }

  /** Resolves once the line is on disk; a line that cannot be written is logged, and the call goes on. */
  private write(line: HotlineLine): Promise<void> {
    return this.deps.ledger(line).catch((error: unknown) => this.deps.failed(error, 'write the ledger'))
  }

  private background(work: Promise<unknown>, what: string): void {
    work.catch((error: unknown) => this.deps.failed(error, what))
  }
}
