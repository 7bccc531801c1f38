import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Settings } from '../app/settings'
import { logger } from '../app/logging'
import type { CallLog, HotlineLine, UnfinishedHotlineCall } from '../intake/call-log'
import type { NccoAction } from '../intake/ncco'
import type { CallEvent } from '../intake/webhook-payloads'
import { HotlineCall, type HotlineCaller, type HotlineEvent } from './hotline-call'
import { callerNcco, staffTooLateNcco } from './hotline-ncco'
import { planResume, type ResumedCall } from './hotline-resume'
import type { StaffDialer } from './staff-dialer'

const log = logger('hotline')

export interface HotlineAnswer {
  /** The caller's leg. */
  uuid: string
  from: string
  to: string
  settings: Settings
  publicBase: string
}

/**
 * Hotline mode: every call that comes in gets its own conversation and its own ring of the staff,
 * so calls that arrive together stay apart. Staff webhooks find their call by the opaque id in
 * their address (never a phone number).
 */
export class HotlineService extends EventEmitter<{ event: [HotlineEvent]; ledger: [] }> {
  private readonly calls = new Map<string, HotlineCall>()
  private readonly byCaller = new Map<string, HotlineCall>()

  constructor(
    private readonly dialer: StaffDialer,
    private readonly callLog: CallLog,
    /** Whether staff may be told the caller's number (read when each staff member answers). */
    private readonly showCallerNumber: () => boolean
  ) {
    super()
  }

  /**
   * A call came in: the caller's NCCO once the call's start is on disk (a few milliseconds), the
   * staff rung in the background.
   */
  async answer({ uuid, from, to, settings, publicBase }: HotlineAnswer): Promise<NccoAction[]> {
    const call = this.track({ callId: randomBytes(16).toString('hex'), uuid, from, to }, settings, publicBase)
    await call.start()
    return callerNcco(settings, publicBase, call.conversationName)
  }

  /**
   * At boot: the hotline calls the ledger shows started and not ended. Those still in time are taken
   * up again (the staff webhooks find them by their id, the ring timer runs for the time left);
   * older ones, and any written before calls could be taken up, are closed in the ledger.
   */
  async resume(unfinished: UnfinishedHotlineCall[], settings: Settings, now = Date.now()): Promise<void> {
    for (const pending of unfinished) {
      // One call that cannot be taken up (or closed) is logged; the app and the other calls go on.
      try {
        await this.resumeOne(pending, settings, now)
      } catch (error) {
        log.warn({ err: error }, 'hotline: could not take up a call cut off by a restart')
      }
    }
  }

  /** A staff leg answered: what it hears. A call that is over (or unknown) thanks them and ends. */
  async staffAnswered(callId: string, staffIndex: number, legUuid: string): Promise<NccoAction[]> {
    return (await this.calls.get(callId)?.staffAnswered(staffIndex, legUuid, this.showCallerNumber())) ?? staffTooLateNcco()
  }

  /** Returns false for a call this hotline does not know (over long ago, or never ours). */
  staffEvent(callId: string, staffIndex: number, event: CallEvent): boolean {
    const call = this.calls.get(callId)
    call?.staffEvent(staffIndex, event)
    return call !== undefined
  }

  /** Every call event goes by: a hotline caller's tells whether they hung up while waiting. */
  callerEvent(event: CallEvent): void {
    this.byCaller.get(event.uuid)?.callerEvent(event)
  }

  /** Calls waiting or connected right now. */
  get active(): number {
    return this.calls.size
  }

  close(): void {
    for (const call of this.calls.values()) call.close()
    this.calls.clear()
    this.byCaller.clear()
  }

  private async resumeOne(pending: UnfinishedHotlineCall, settings: Settings, now: number): Promise<void> {
    const plan = planResume(pending, now)
    if (plan.action === 'close') {
      const outcome = plan.lines.find((line) => line.kind === 'outcome')?.outcome
      // The outcome only: the lines name Vonage's legs, which the log leaves out (the call id stands for them).
      log.info({ outcome }, 'hotline: a call cut off by a restart is closed in the ledger')
      for (const line of plan.lines) await this.writeLedger(line)
      return
    }
    const resumed = plan.call
    log.info({ call: resumed.callId }, 'hotline: a call cut off by a restart is taken up again')
    // The call's own ring time, answer and name, as when it came in; the rest (voicemail's recording) as set now.
    const callSettings: Settings = { ...settings, hotlineName: resumed.hotlineName, ringSeconds: resumed.ringSeconds, hotlineNoAnswer: resumed.noAnswer, hotlineStaff: [] }
    this.track(callerOf(resumed), callSettings, resumed.publicBase, resumed).resume(resumed.callerEndedAt)
  }

  /** A call this hotline answers webhooks for until it needs nothing more. */
  private track(caller: HotlineCaller, settings: Settings, publicBase: string, resumed?: ResumedCall): HotlineCall {
    const { callId, uuid } = caller
    const call: HotlineCall = new HotlineCall(
      caller,
      {
        settings,
        publicBase,
        dialer: this.dialer,
        ledger: (line) => this.writeLedger(line),
        emit: (event) => this.emit('event', event),
        failed: (error, what) => log.warn({ err: error, call: callId }, `hotline: could not ${what}`),
        finished: () => {
          call.close()
          // Only this call: a later call is never removed by an earlier one's timer.
          if (this.calls.get(callId) === call) this.calls.delete(callId)
          if (this.byCaller.get(uuid) === call) this.byCaller.delete(uuid)
        }
      },
      resumed
    )
    this.calls.set(callId, call)
    this.byCaller.set(uuid, call)
    return call
  }

  private writeLedger(line: HotlineLine): Promise<void> {
    const written = this.callLog.recordHotline(line)
    this.emit('ledger')
    return written
  }
}

/** The caller of a resumed call (the number called is needed only to ring the staff, which is done). */
function callerOf({ callId, uuid, from }: ResumedCall): HotlineCaller {
  return { callId, uuid, from, to: '' }
}
