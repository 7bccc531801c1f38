import { randomBytes, randomUUID } from 'node:crypto'
import type { NccoAction } from '../ncco/actions'
import { CallLeg, emptyLegLog, type LegEnvironment } from './call-leg'
import type { CallHandle, CallResult, PlaceCallOptions } from './call-options'

/** What an inbound call needs from the simulator around it. */
export interface CallEnvironment extends Omit<LegEnvironment, 'eventUrl' | 'eventMethod'> {
  answerUrl: string
  answerMethod: 'GET' | 'POST'
  fallbackAnswerUrl?: string
  eventUrl: string
  /** Called as the call starts, so the Calls API can find it by uuid. */
  register?: (leg: CallLeg) => void
}

/** Places one inbound call on the app, the way Vonage does, and resolves with what happened. */
export function placeCall(environment: CallEnvironment, options: PlaceCallOptions = {}): CallHandle {
  const call = new InboundCall(environment, options)
  environment.register?.(call)
  return { uuid: call.uuid, conversationUuid: call.conversationUuid, done: call.run(), hangUp: () => call.hangUp('caller') }
}

/** A caller phoning the app's number: the answer webhook decides the NCCO. */
class InboundCall extends CallLeg {
  readonly direction = 'inbound'
  private readonly result: CallResult

  constructor(
    private readonly call: CallEnvironment,
    private readonly placed: PlaceCallOptions
  ) {
    const uuid = randomBytes(16).toString('hex')
    const conversationUuid = `CON-${randomUUID()}`
    const result: CallResult = { uuid, conversationUuid, status: 'completed', durationMs: 0, ...emptyLegLog() }
    super(uuid, conversationUuid, placed.from ?? '447700900001', placed.to ?? '447700900000', { ...call, eventMethod: 'POST' }, placed, result)
    this.result = result
  }

  async run(): Promise<CallResult> {
    this.startedAt = this.clock.now()
    await this.event('started')
    await this.event('ringing')
    await this.answeredPhase(async () => {
      const actions = await this.answer()
      this.state = 'answered'
      this.answeredAt = this.clock.now()
      await this.event('answered')
      return actions
    })
    if (this.result.error) this.result.status = 'failed'
    const durationMs = await this.complete()
    this.result.durationMs = durationMs
    this.progress(`${this.result.status === 'completed' ? 'completed' : 'ended'} after ${(durationMs / 1000).toFixed(1)} s`)
    return this.result
  }

  protected answerPayload(): Record<string, unknown> {
    return { to: this.to, from: this.from, uuid: this.uuid, conversation_uuid: this.conversationUuid, region_url: this.placed.regionUrl ?? 'https://api-us-3.vonage.com' }
  }

  /** The answer webhook (retried, then the application's fallback answer URL). */
  private answer(): Promise<NccoAction[]> {
    const urls = [this.call.answerUrl, ...(this.call.fallbackAnswerUrl ? [this.call.fallbackAnswerUrl] : [])]
    return this.fetchNcco(urls, this.call.answerMethod, this.answerPayload())
  }

  /** The caller says its piece (its whole audio), then hangs up. */
  protected stayInConversationMs(): number {
    return this.env.audio().durationMs
  }

  protected leftConversation(outcome: 'own' | 'alone' | 'dropped'): void {
    if (outcome === 'own') this.hungUpBy ??= 'caller'
  }
}
