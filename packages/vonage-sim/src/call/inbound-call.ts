import { randomBytes, randomUUID } from 'node:crypto'
import wavefile from 'wavefile'
import type { SimAccount } from '../account'
import type { RecordingStore } from '../api/recording-store'
import { CALLER_SAMPLE_RATE, type CallerAudio } from '../caller/caller-audio'
import { truncateMp3 } from '../caller/mp3'
import { NCCO_SYNTAX_ERROR, parseNcco, type ConnectAction, type InputAction, type NccoAction, type RecordAction, type TalkAction } from '../ncco/actions'
import { sendCallback, type CallbackKind, type DeliveryOptions, type Reply } from '../webhooks/webhook-client'
import { CallClock, isoMs, isoSeconds } from './call-clock'
import type { CallHandle, CallResult, PlaceCallOptions, SimRecording } from './call-options'
import { runWebSocketLeg } from './websocket-leg'

/** What a call needs from the simulator around it. */
export interface CallEnvironment {
  account: SimAccount
  store: RecordingStore
  /** The simulator's base URL, for `recording_url`. */
  baseUrl: string
  audio: () => CallerAudio
  answerUrl: string
  answerMethod: 'GET' | 'POST'
  fallbackAnswerUrl?: string
  eventUrl: string
}

/** The beep before a recording. */
const BEEP_MS = 500
/** About how fast a TTS voice speaks (≈ 150 words a minute), plus a breath. */
const TALK_MS_PER_CHAR = 65
const TALK_PAUSE_MS = 300
/** How long a caller takes per key press. */
const KEY_PRESS_MS = 250
/** Statuses after which Vonage tries the answer URL once more. */
const ANSWER_RETRY_STATUSES = [429, 503, 504]
const RATE = '0.00450000'

/** Thrown inside a call to end it with an error event. */
class CallError extends Error {}
/** Thrown inside a call when the caller hangs up. */
class HungUp extends Error {}

type Step = { then: 'continue' } | { then: 'replace'; actions: NccoAction[] } | { then: 'hangup' }

/** Places one inbound call on the app, the way Vonage does, and resolves with what happened. */
export function placeCall(environment: CallEnvironment, options: PlaceCallOptions = {}): CallHandle {
  const call = new SimulatedCall(environment, options)
  return { uuid: call.uuid, conversationUuid: call.conversationUuid, done: call.run(), hangUp: () => call.hangUp() }
}

class SimulatedCall {
  readonly uuid = randomBytes(16).toString('hex')
  readonly conversationUuid = `CON-${randomUUID()}`
  private readonly hangup = new AbortController()
  private readonly clock: CallClock
  private readonly from: string
  private readonly to: string
  private readonly dtmf: string[]
  private readonly delivery: DeliveryOptions
  private readonly deferred: Array<() => Promise<void>> = []
  private readonly result: CallResult
  private answeredAt: number | undefined
  /** `record` actions run so far: which of `segmentAudio` the caller speaks next. */
  private recordsRun = 0

  constructor(
    private readonly env: CallEnvironment,
    private readonly options: PlaceCallOptions
  ) {
    this.clock = new CallClock(options.realtime ?? true, this.hangup.signal)
    this.from = options.from ?? '447700900001'
    this.to = options.to ?? '447700900000'
    this.dtmf = [...(options.dtmf ?? [])]
    this.delivery = { account: env.account, signing: options.signing ?? 'valid', connectTimeoutMs: options.connectTimeoutMs ?? 1000, readTimeoutMs: 0 }
    this.result = { uuid: this.uuid, conversationUuid: this.conversationUuid, status: 'completed', durationMs: 0, callbacks: [], actions: [], recordings: [], streams: [] }
  }

  hangUp(): void {
    this.hangup.abort(new HungUp('the caller hung up'))
  }

  async run(): Promise<CallResult> {
    const startedAt = this.clock.now()
    await this.event('started')
    await this.event('ringing')
    try {
      let actions = await this.answer()
      this.answeredAt = this.clock.now()
      await this.event('answered')
      while (actions.length > 0) {
        const action = actions.shift()!
        this.result.actions.push(action.action)
        const step = await this.runAction(action)
        if (step.then === 'hangup') break
        if (step.then === 'replace') actions = step.actions
      }
    } catch (error) {
      if (error instanceof CallError) {
        this.result.status = 'failed'
        this.result.error = error.message
        this.progress(`error: ${error.message}`)
        await this.deliver('error', 'POST', this.env.eventUrl, { reason: error.message, conversation_uuid: this.conversationUuid, timestamp: isoMs(this.clock.now()) }, 'error event')
      } else if (!(error instanceof HungUp || this.hangup.signal.aborted)) {
        throw error
      }
    }
    const endedAt = this.clock.now()
    const durationMs = this.answeredAt === undefined ? 0 : endedAt - this.answeredAt
    this.result.durationMs = durationMs
    const seconds = Math.round(durationMs / 1000)
    await this.event('completed', {
      start_time: isoMs(this.answeredAt ?? startedAt),
      end_time: isoMs(endedAt),
      duration: String(seconds),
      rate: RATE,
      price: (Number(RATE) * Math.ceil(seconds / 60)).toFixed(8),
      network: '23410'
    })
    for (const send of this.deferred) await send()
    this.progress(`${this.result.status === 'completed' ? 'completed' : 'ended'} after ${(durationMs / 1000).toFixed(1)} s`)
    return this.result
  }

  private async runAction(action: NccoAction): Promise<Step> {
    try {
      switch (action.action) {
        case 'talk':
          return await this.talk(action)
        case 'record':
          return await this.record(action)
        case 'input':
          return await this.input(action)
        case 'connect':
          return await this.connect(action)
      }
    } catch (error) {
      if (this.hangup.signal.aborted) throw new HungUp('the caller hung up')
      throw error
    }
  }

  // ── The answer webhook ─────────────────────────────────────────────────────────────────────

  private async answer(): Promise<NccoAction[]> {
    const payload = { to: this.to, from: this.from, uuid: this.uuid, conversation_uuid: this.conversationUuid, region_url: this.options.regionUrl ?? 'https://api-us-3.vonage.com' }
    const urls = [this.env.answerUrl, ...(this.env.fallbackAnswerUrl ? [this.env.fallbackAnswerUrl] : [])]
    let failure = ''
    for (const url of urls) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const outcome = await this.exchange('answer', this.env.answerMethod, url, payload, attempt, this.options.answerTimeoutMs ?? 5000)
        this.progress(`answer ${this.env.answerMethod} ${url} → ${'error' in outcome ? `no reply (${outcome.error})` : `HTTP ${outcome.status}`}`)
        if ('error' in outcome) failure = `the answer webhook ${url} did not answer (${outcome.error})`
        else if (ANSWER_RETRY_STATUSES.includes(outcome.status)) failure = `the answer webhook replied HTTP ${outcome.status}`
        else return this.nccoFrom(outcome, 'the answer webhook')
      }
    }
    throw new CallError(failure)
  }

  /** An NCCO reply: exactly HTTP 200, JSON content type, a JSON array of valid actions. */
  private nccoFrom(reply: Reply, who: string): NccoAction[] {
    if (reply.status !== 200) throw new CallError(`${NCCO_SYNTAX_ERROR} (${who} replied HTTP ${reply.status}${reply.status === 401 || reply.status === 403 ? ': the app refused the signed request' : ''})`)
    if (!/^application\/json\b/i.test(reply.contentType)) throw new CallError(`${NCCO_SYNTAX_ERROR} (${who} replied with Content-Type "${reply.contentType}", not application/json)`)
    let value: unknown
    try {
      value = JSON.parse(reply.text)
    } catch {
      throw new CallError(`${NCCO_SYNTAX_ERROR} (${who} replied with invalid JSON)`)
    }
    const ncco = parseNcco(value)
    if (!ncco.ok) throw new CallError(ncco.reason)
    this.progress(`${who}: NCCO ${ncco.actions.map((action) => action.action).join(', ')}`)
    return ncco.actions
  }

  // ── NCCO actions ───────────────────────────────────────────────────────────────────────────

  private async talk(action: TalkAction): Promise<Step> {
    const spoken = action.text.replace(/<[^>]*>/g, '').trim()
    const ms = (TALK_PAUSE_MS + spoken.length * TALK_MS_PER_CHAR) * Math.max(1, action.loop ?? 1)
    this.progress(`talk: "${spoken.slice(0, 60)}${spoken.length > 60 ? '…' : ''}" (${(ms / 1000).toFixed(1)} s)`)
    await this.clock.wait(ms)
    return { then: 'continue' }
  }

  private async record(action: RecordAction): Promise<Step> {
    const audio = this.options.segmentAudio?.[this.recordsRun++] ?? this.env.audio()
    if (action.format === 'ogg') throw new CallError('The simulator cannot make Ogg recordings: use format mp3 or wav.')
    if (action.format === 'wav' && !audio.pcm) throw new CallError(`A wav recording needs WAV caller audio; ${audio.source} is an MP3.`)
    if (action.beepStart) await this.clock.wait(BEEP_MS)
    const startMs = this.clock.now()
    const limitMs = action.timeOut * 1000
    let endedBy: SimRecording['endedBy'] =
      audio.durationMs > limitMs ? 'timeout' : action.endOnKey && (this.options.pressEndOnKey ?? true) ? 'key' : action.endOnSilence ? 'silence' : 'hangup'
    let lengthMs = Math.min(audio.durationMs, limitMs)
    this.progress(`record: the caller speaks ${(lengthMs / 1000).toFixed(1)} s${endedBy === 'key' ? `, then presses ${action.endOnKey}` : endedBy === 'hangup' ? ', then hangs up' : ''}`)
    try {
      await this.clock.wait(lengthMs + (endedBy === 'silence' ? action.endOnSilence! * 1000 : 0))
    } catch (error) {
      if (!this.hangup.signal.aborted) throw error
      endedBy = 'hangup'
      lengthMs = Math.min(lengthMs, this.clock.now() - startMs)
    }
    const endMs = startMs + lengthMs
    const recording = this.options.emptyRecording ? null : this.storeRecording(action.format, audio, lengthMs, startMs, endMs, endedBy)
    const payload = {
      start_time: isoSeconds(startMs),
      recording_url: recording?.url ?? '',
      size: recording?.size ?? 0,
      recording_uuid: recording?.recordingUuid ?? randomUUID(),
      end_time: isoSeconds(endMs),
      conversation_uuid: this.conversationUuid,
      timestamp: isoMs(this.clock.now())
    }
    const post = async (): Promise<void> => {
      await this.deliver('recording', action.eventMethod, action.eventUrl ?? this.env.eventUrl, payload, 'recording event')
    }
    if (this.options.recordingEventAfterCompleted) this.deferred.push(post)
    else await post()
    if (this.hangup.signal.aborted) throw new HungUp('the caller hung up')
    return endedBy === 'hangup' ? { then: 'hangup' } : { then: 'continue' }
  }

  private storeRecording(format: 'mp3' | 'wav', audio: CallerAudio, lengthMs: number, startMs: number, endMs: number, endedBy: SimRecording['endedBy']): SimRecording {
    let bytes: Buffer
    if (format === 'wav') {
      const wav = new wavefile.WaveFile()
      wav.fromScratch(1, CALLER_SAMPLE_RATE, '16', audio.pcm!.subarray(0, Math.round((lengthMs * CALLER_SAMPLE_RATE) / 1000)))
      bytes = Buffer.from(wav.toBuffer())
    } else {
      const mp3 = audio.mp3()
      bytes = lengthMs < audio.durationMs ? truncateMp3(mp3, lengthMs) : mp3
    }
    const contentType = format === 'wav' ? 'audio/wav' : 'audio/mpeg'
    const file = this.env.store.add(bytes, contentType)
    const recording: SimRecording = {
      fileId: file.id,
      recordingUuid: randomUUID(),
      url: `${this.env.baseUrl}/v1/files/${file.id}`,
      size: bytes.byteLength,
      contentType,
      bytes,
      durationMs: lengthMs,
      startTime: isoSeconds(startMs),
      endTime: isoSeconds(endMs),
      endedBy
    }
    this.result.recordings.push(recording)
    this.progress(`recording ${recording.url} (${recording.size} bytes, ${(lengthMs / 1000).toFixed(1)} s, ended by ${endedBy})`)
    return recording
  }

  private async input(action: InputAction): Promise<Step> {
    let pressed = this.dtmf.shift() ?? ''
    const hash = pressed.indexOf('#')
    const submitted = action.submitOnHash && hash >= 0
    if (hash >= 0) pressed = pressed.slice(0, hash)
    const digits = pressed.slice(0, action.maxDigits)
    const timedOut = !submitted && digits.length < action.maxDigits
    await this.clock.wait(digits.length * KEY_PRESS_MS + (timedOut ? action.timeOut * 1000 : 0))
    this.progress(`input: the caller presses "${digits}"${timedOut ? ' (timed out)' : ''}`)
    const payload = { from: this.from, to: this.to, dtmf: { digits, timed_out: timedOut }, uuid: this.uuid, conversation_uuid: this.conversationUuid, timestamp: isoMs(this.clock.now()) }
    const reply = await this.deliver('input', action.eventMethod, action.eventUrl ?? this.env.eventUrl, payload, 'input event')
    // The reply's NCCO replaces the rest of the call; a reply without one lets the call go on.
    if (!reply || reply.status !== 200 || !/^application\/json\b/i.test(reply.contentType)) return { then: 'continue' }
    let value: unknown
    try {
      value = JSON.parse(reply.text)
    } catch {
      return { then: 'continue' }
    }
    return Array.isArray(value) ? { then: 'replace', actions: this.nccoFrom(reply, 'the input webhook') } : { then: 'continue' }
  }

  private async connect(action: ConnectAction): Promise<Step> {
    const audio = this.env.audio()
    if (!audio.pcm) throw new CallError(`Streaming needs WAV caller audio; ${audio.source} is an MP3 (nothing here decodes MP3).`)
    const legUuid = randomBytes(16).toString('hex')
    const legEvent = async (status: string): Promise<void> => {
      if (!this.options.websocketLegEvents) return
      const payload = { from: this.from, to: action.endpoint.uri, uuid: legUuid, conversation_uuid: this.conversationUuid, status, direction: 'outbound', timestamp: isoMs(this.clock.now()) }
      await this.deliver('event', action.eventMethod, action.eventUrl ?? this.env.eventUrl, payload, `websocket leg ${status}`)
    }
    await legEvent('started')
    await legEvent('answered')
    this.progress(`connect: streaming ${(audio.durationMs / 1000).toFixed(1)} s to ${action.endpoint.uri.replace(/\?.*/, '?…')}`)
    const leg = await runWebSocketLeg({
      endpoint: action.endpoint,
      pcm: audio.pcm,
      realtime: this.clock.realtime,
      limitMs: action.limit * 1000,
      signal: this.hangup.signal
    })
    this.clock.advance(leg.audioMs)
    this.result.streams.push(leg)
    this.progress(`connect: ${leg.frames} frames (${leg.bytes.length} bytes) sent, ended by ${leg.endedBy}${leg.error ? ` (${leg.error})` : ''}`)
    await legEvent(leg.endedBy === 'failed' ? 'failed' : leg.endedBy === 'app-closed' ? 'disconnected' : 'completed')
    if (leg.endedBy === 'hangup') throw new HungUp('the caller hung up')
    // After the audio the caller hangs up; a limit, a socket the app closed or one that never opened lets the NCCO go on.
    return leg.endedBy === 'audio-end' ? { then: 'hangup' } : { then: 'continue' }
  }

  // ── Callbacks ──────────────────────────────────────────────────────────────────────────────

  private async event(status: string, extra: Record<string, unknown> = {}): Promise<void> {
    const payload = { from: this.from, to: this.to, uuid: this.uuid, conversation_uuid: this.conversationUuid, status, direction: 'inbound', timestamp: isoMs(this.clock.now()), ...extra }
    await this.deliver('event', 'POST', this.env.eventUrl, payload, `event ${status}`)
  }

  /**
   * An event-like callback: one more attempt on no reply or 5xx (as Vonage), sent twice if asked.
   * Resolves with the first usable reply, else the last failure; logs `what → outcome`.
   */
  private async deliver(kind: CallbackKind, method: 'GET' | 'POST', url: string, payload: Record<string, unknown>, what: string = kind): Promise<Reply | undefined> {
    let reply: Reply | undefined
    let last: Reply | { error: string } = { error: 'not sent' }
    for (let copy = 0; copy < (this.options.duplicateEvents ? 2 : 1); copy++) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        last = await this.exchange(kind, method, url, payload, attempt, this.options.eventTimeoutMs ?? 10_000)
        if (!('error' in last) && last.status < 500) {
          reply ??= last
          break
        }
      }
    }
    const outcome = reply ?? last
    this.progress(`${what} → ${'error' in outcome ? `no reply (${outcome.error})` : `HTTP ${outcome.status}`}`)
    return reply
  }

  private async exchange(kind: CallbackKind, method: 'GET' | 'POST', url: string, payload: Record<string, unknown>, attempt: number, readTimeoutMs: number): Promise<Reply | { error: string }> {
    const { body, reply } = sendCallback(method, url, payload, { ...this.delivery, readTimeoutMs })
    const sent = { kind, method, url, body, payload, attempt }
    try {
      const answer = await reply
      this.result.callbacks.push({ ...sent, status: answer.status })
      return answer
    } catch (error) {
      const message = (error as Error).message
      this.result.callbacks.push({ ...sent, error: message })
      return { error: message }
    }
  }

  private progress(line: string): void {
    this.options.onProgress?.(`[${this.uuid.slice(0, 8)}] ${line}`)
  }
}
