import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Settings } from '../app/settings'
import { logger } from '../app/logging'
import type { CallLog } from '../intake/call-log'
import type { NccoAction } from '../intake/ncco'
import type { CallEvent } from '../intake/webhook-payloads'
import { HotlineCall, type HotlineEvent } from './hotline-call'
import { callerNcco, staffTooLateNcco } from './hotline-ncco'
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

  /** A call came in: the caller's NCCO now, the staff rung in the background. */
  answer({ uuid, from, to, settings, publicBase }: HotlineAnswer): NccoAction[] {
    const callId = randomBytes(16).toString('hex')
    const call: HotlineCall = new HotlineCall(
      { callId, uuid, from, to },
      {
        settings,
        publicBase,
        dialer: this.dialer,
        ledger: (line) => {
          const written = this.callLog.recordHotline(line)
          this.emit('ledger')
          return written
        },
        emit: (event) => this.emit('event', event),
        failed: (error, what) => log.warn({ err: error, call: callId }, `hotline: could not ${what}`),
        finished: () => {
          call.close()
          // Only this call: a later call is never removed by an earlier one's timer.
          if (this.calls.get(callId) === call) this.calls.delete(callId)
          if (this.byCaller.get(uuid) === call) this.byCaller.delete(uuid)
        }
      }
    )
    this.calls.set(callId, call)
    this.byCaller.set(uuid, call)
    const ncco = callerNcco(settings, publicBase, call.conversationName)
    call.start()
    return ncco
  }

  /** A staff leg answered: what it hears. A call that is over (or unknown) thanks them and ends. */
  staffAnswered(callId: string, staffIndex: number, legUuid: string): NccoAction[] {
    return this.calls.get(callId)?.staffAnswered(staffIndex, legUuid, this.showCallerNumber()) ?? staffTooLateNcco()
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
}
