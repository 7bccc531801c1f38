import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { OutboundRequest } from '../api/call-request'
import { CallLeg, emptyLegLog, type HungUpBy, type LegEnvironment, type LegOptions } from './call-leg'
import type { LegLog } from './call-options'
import { PHONE_RING_MS, type PhoneBehaviour } from './phones'

/** One call the app placed through `POST /v1/calls` (a staff member being dialled), as it went. */
export interface OutboundCallRecord extends LegLog {
  /** Dashed, as Vonage returns it for outbound calls. */
  uuid: string
  /** The leg's own `CON-…`, as in the 201 reply (its events carry a named conversation's once it joins one). */
  conversationUuid: string
  to: string
  from: string
  /** Date.now() when the request arrived. */
  requestedAt: number
  /** The request body exactly as received (snake_case, as the SDK sends it). */
  request: Record<string, unknown>
  /** Who ended the leg: 'app' (hangup through the API, `cancelled` while ringing), 'staff' (hung up after `talkMs`), 'caller' (left alone, or the conversation ended). */
  hungUpBy?: HungUpBy
  /** The named conversation the leg joined. */
  conversation?: string
  /** Why the leg ended with an error event (unusable answer URL or NCCO). */
  error?: string
  /** Resolves when the leg has ended and its last event was delivered. */
  done: Promise<void>
}

/** How a ringing leg ended up: a status event of its own. */
type RingOutcome = 'answered' | 'rejected' | 'busy' | 'timeout' | 'failed' | 'cancelled'

export interface DialOptions {
  environment: LegEnvironment
  request: OutboundRequest
  body: Record<string, unknown>
  phone: PhoneBehaviour
  /** Resolves when someone picks up an `on-pick-up` phone; rejects when `signal` aborts. */
  pickedUp: (signal: AbortSignal) => Promise<void>
  /** Real ms per ring. */
  ringMs: number
  options: LegOptions
}

/**
 * Starts an outbound leg: the record is returned at once (the API answers 201 with it), the leg
 * runs in the background from the next turn, so its `started` event follows the reply.
 */
export function dial(dialling: DialOptions): { leg: CallLeg; record: OutboundCallRecord } {
  const leg = new OutboundCall(dialling)
  return { leg, record: leg.outbound }
}

/** A staff phone dialled by the app: it rings as its `PhoneBehaviour` says, then runs its NCCO. */
class OutboundCall extends CallLeg {
  readonly direction = 'outbound'
  readonly outbound: OutboundCallRecord

  constructor(private readonly dialling: DialOptions) {
    const { request } = dialling
    const uuid = randomUUID()
    const conversationUuid = `CON-${randomUUID()}`
    const record: OutboundCallRecord = {
      uuid,
      conversationUuid,
      to: request.to,
      from: request.from,
      requestedAt: Date.now(),
      request: dialling.body,
      ...emptyLegLog(),
      done: Promise.resolve()
    }
    super(uuid, conversationUuid, request.from, request.to, dialling.environment, dialling.options, record)
    this.outbound = record
    record.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.run().catch((error: unknown) => {
        record.error = (error as Error).message
        this.progress(`failed: ${(error as Error).message}`)
      })
    )
  }

  override hangUp(by?: HungUpBy): void {
    if (this.state !== 'ended') this.outbound.hungUpBy ??= by
    super.hangUp(by)
  }

  private async run(): Promise<void> {
    const { request } = this.dialling
    this.startedAt = this.clock.now()
    await this.event('started')
    // The phone rings from now: an on-pick-up phone can be picked up while its `ringing` event is on its way.
    const rung = new AbortController()
    const ringing = AbortSignal.any([this.hangup.signal, rung.signal])
    const pickedUp = this.dialling.phone.answer === 'on-pick-up' ? this.dialling.pickedUp(ringing).then(() => 'picked up' as const) : undefined
    // It rejects when the phone stops ringing unanswered: the ring's own outcome says so.
    pickedUp?.catch(() => undefined)
    let outcome: RingOutcome
    try {
      await this.event('ringing')
      outcome = await this.ring(ringing, pickedUp)
    } finally {
      rung.abort()
    }
    this.progress(`${request.to}: ${outcome}`)
    if (outcome !== 'answered') {
      this.state = 'ended'
      await this.event(outcome)
      return
    }
    this.state = 'answered'
    this.answeredAt = this.clock.now()
    // Vonage ends an answered call after length_timer seconds, whatever it is doing.
    const lengthTimer = setTimeout(() => this.hangUp(), request.lengthTimer * 1000)
    try {
      await this.event('answered')
      await this.answeredPhase(async () => (request.ncco ? [...request.ncco] : this.fetchNcco([request.answerUrl!], request.answerMethod, this.answerPayload())))
    } finally {
      clearTimeout(lengthTimer)
    }
    await this.complete()
  }

  /**
   * The phone rings in real time, one ring per `ringMs`, whatever the leg's pacing: the other legs
   * and the app act meanwhile. `ringing_timer` is counted in phone time (one ring ≈ 3 s), so a
   * 60 s timer lasts 20 rings.
   */
  private async ring(signal: AbortSignal, pickedUp: Promise<'picked up'> | undefined): Promise<RingOutcome> {
    const { phone, ringMs, request } = this.dialling
    const timerMs = (request.ringingTimer * 1000 * ringMs) / PHONE_RING_MS
    let waitMs: number
    let outcome: RingOutcome
    switch (phone.answer) {
      case 'fail':
      case 'busy':
        waitMs = 0
        outcome = phone.answer === 'fail' ? 'failed' : 'busy'
        break
      case 'never':
      case 'on-pick-up':
        waitMs = timerMs
        outcome = 'timeout'
        break
      case 'after-rings':
        waitMs = phone.rings * ringMs
        outcome = 'answered'
        break
      case 'decline':
        waitMs = (phone.rings ?? 1) * ringMs
        outcome = 'rejected'
        break
    }
    if (waitMs > timerMs) {
      waitMs = timerMs
      outcome = 'timeout'
    }
    try {
      const ended = await Promise.race([sleep(waitMs, 'rang' as const, { signal }), ...(pickedUp ? [pickedUp] : [])])
      if (ended === 'picked up') outcome = 'answered'
    } catch {
      return 'cancelled'
    }
    return this.hangup.signal.aborted ? 'cancelled' : outcome
  }

  protected answerPayload(): Record<string, unknown> {
    return { to: this.to, from: this.from, uuid: this.uuid, conversation_uuid: this.conversationUuid }
  }

  /** A staff member talks for `talkMs` if set, else until the conversation ends or they are alone in it. */
  protected stayInConversationMs(): number {
    return this.dialling.phone.talkMs ?? Infinity
  }

  protected override joinedConversation(name: string): void {
    this.outbound.conversation ??= name
  }

  protected leftConversation(outcome: 'own' | 'alone' | 'dropped'): void {
    const by: HungUpBy = outcome === 'own' ? 'staff' : 'caller'
    this.hungUpBy ??= by
    this.outbound.hungUpBy ??= by
  }
}
