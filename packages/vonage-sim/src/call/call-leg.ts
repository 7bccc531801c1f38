import { randomBytes, randomUUID } from 'node:crypto'
import wavefile from 'wavefile'
import type { SimAccount } from '../account'
import type { RecordingStore } from '../api/recording-store'
import { CALLER_SAMPLE_RATE, type CallerAudio } from '../caller/caller-audio'
import { truncateMp3 } from '../caller/mp3'
import { cutTranscript } from '../caller/transcript'
import type { CallFaults } from '../faults'
import {
  NCCO_SYNTAX_ERROR,
  parseNcco,
  type ConnectAction,
  type ConversationAction,
  type InputAction,
  type NccoAction,
  type RecordAction,
  type TalkAction
} from '../ncco/actions'
import { sendCallback, type CallbackKind, type DeliveryOptions, type Reply } from '../webhooks/webhook-client'
import { CallClock, isoMs, isoSeconds } from './call-clock'
import type { LegLog, SimRecording, SimTranscription } from './call-options'
import type { Conversations, RecordingTake } from './conversations'
import { fetchMusicOnHold } from './music-on-hold'
import { runWebSocketLeg } from './websocket-leg'

/** What a leg needs from the simulator around it. */
export interface LegEnvironment {
  account: SimAccount
  store: RecordingStore
  /** The simulator's base URL, for `recording_url`. */
  baseUrl: string
  /** What this leg's party says (the caller's speech; a staff leg's own voice). */
  audio: () => CallerAudio
  conversations: Conversations
  /** Where the leg's events go (and actions without an `eventUrl` of their own); none: no events. */
  eventUrl: string | undefined
  eventMethod: 'GET' | 'POST'
}

/** How a leg runs: pacing, the caller's keys, webhook timeouts, fault knobs, progress lines. */
export interface LegOptions extends CallFaults {
  realtime?: boolean
  /** What the caller says at each `record` action, in order (several recordings per call); missing = the leg's audio. */
  segmentAudio?: CallerAudio[]
  dtmf?: string[]
  pressEndOnKey?: boolean
  websocketLegEvents?: boolean
  connectTimeoutMs?: number
  answerTimeoutMs?: number
  eventTimeoutMs?: number
  onProgress?: (line: string) => void
}

/** Who ended a leg: the app (`PUT /v1/calls/:uuid` hangup), the staff member, or the caller. */
export type HungUpBy = 'app' | 'staff' | 'caller'

/** Where a leg is, as the Calls API sees it. */
export type LegState = 'ringing' | 'answered' | 'ended'

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

/** Thrown inside a leg to end it with an error event. */
export class CallError extends Error {}
/** Thrown inside a leg when it is hung up. */
class HungUp extends Error {}
/** The reason an action stops when the app transfers the leg. */
class Transferred extends Error {}

type Step = { then: 'continue' } | { then: 'replace'; actions: NccoAction[] } | { then: 'hangup' }

/** Where a transfer sends the leg: an NCCO, or a URL to fetch one from. */
export type TransferDestination = { ncco: NccoAction[] } | { url: string }

/**
 * One call leg as Vonage runs it: its NCCO (talk, record, input, connect, conversation), its
 * signed callbacks, and what the Calls API can do to it while it runs (hang up, transfer, speak).
 * The inbound call and the outbound (staff) leg differ only in how they start.
 */
export abstract class CallLeg {
  abstract readonly direction: 'inbound' | 'outbound'
  /** The leg's conversation: its own at first, a named conversation's once it joins one. */
  conversationUuid: string
  state: LegState = 'ringing'
  hungUpBy: HungUpBy | undefined
  /** The last status event sent. */
  lastStatus = ''
  protected readonly hangup = new AbortController()
  protected readonly clock: CallClock
  protected readonly delivery: DeliveryOptions
  protected readonly deferred: Array<() => Promise<void>> = []
  /** Conversation recordings this leg asked for, still being announced: the leg's result waits for them. */
  protected readonly pendingRecordings: Array<Promise<void>> = []
  protected answeredAt: number | undefined
  protected startedAt: number | undefined
  protected endedAt: number | undefined
  private step = new AbortController()
  private transferTo: TransferDestination | undefined
  private readonly dtmf: string[]
  private endingNcco = false
  /** `record` actions run so far: which of `segmentAudio` the caller speaks next. */
  private recordsRun = 0

  constructor(
    readonly uuid: string,
    conversationUuid: string,
    readonly from: string,
    readonly to: string,
    protected readonly env: LegEnvironment,
    protected readonly options: LegOptions,
    protected readonly log: LegLog & { error?: string }
  ) {
    this.conversationUuid = conversationUuid
    this.clock = new CallClock(options.realtime ?? true, () => this.step.signal)
    this.dtmf = [...(options.dtmf ?? [])]
    this.delivery = { account: env.account, signing: options.signing ?? 'valid', connectTimeoutMs: options.connectTimeoutMs ?? 1000, readTimeoutMs: 0 }
  }

  // ── What the Calls API can do to a running leg ───────────────────────────────────────────────

  /** Ends the leg now: the current action stops (a ringing leg is cancelled). */
  hangUp(by?: HungUpBy): void {
    if (this.hangup.signal.aborted) return
    this.hungUpBy ??= by
    this.hangup.abort(new HungUp('hung up'))
    this.step.abort(new HungUp('hung up'))
  }

  /** True while an answered leg can still be moved to another NCCO. */
  get transferable(): boolean {
    return this.state === 'answered' && !this.endingNcco && !this.hangup.signal.aborted
  }

  /** Stops what the leg is doing (waiting in a conversation, a talk, …) and runs `destination` instead. */
  transfer(destination: TransferDestination): void {
    this.transferTo = destination
    this.log.transferred = true
    this.progress(`transferred by the app to ${'url' in destination ? destination.url : `an NCCO (${destination.ncco.map((a) => a.action).join(', ')})`}`)
    this.step.abort(new Transferred('transferred'))
  }

  /** `PUT /v1/calls/:uuid/talk`: the text is spoken into the leg over whatever it is doing. */
  say(text: string): void {
    const spoken = plainText(text)
    this.log.spoken.push(spoken)
    this.progress(`the app speaks into the call: "${shorten(spoken)}"`)
  }

  // ── Running the NCCO ─────────────────────────────────────────────────────────────────────────

  /**
   * Gets the first NCCO from `first` and runs it (and whatever it is replaced with) to the end.
   * An NCCO error ends the leg with an error event, as Vonage does (and sets the log's `error`).
   */
  protected async answeredPhase(first: () => Promise<NccoAction[]>): Promise<void> {
    try {
      await this.runNcco(await first())
    } catch (error) {
      if (error instanceof CallError) {
        this.log.error = error.message
        this.progress(`error: ${error.message}`)
        await this.deliver('error', 'POST', this.env.eventUrl, { reason: error.message, conversation_uuid: this.conversationUuid, timestamp: isoMs(this.clock.now()) }, 'error event')
      } else if (!(error instanceof HungUp || this.hangup.signal.aborted)) {
        throw error
      }
    }
  }

  private async runNcco(actions: NccoAction[]): Promise<void> {
    for (;;) {
      if (this.transferTo) actions = await this.takeTransfer()
      const action = actions.shift()
      if (!action) break
      this.log.actions.push(action.action)
      const step = await this.runAction(action)
      if (step.then === 'hangup' && !this.transferTo) break
      if (step.then === 'replace') actions = step.actions
    }
    this.endingNcco = true
  }

  private async takeTransfer(): Promise<NccoAction[]> {
    const destination = this.transferTo!
    this.transferTo = undefined
    if ('ncco' in destination) return [...destination.ncco]
    return this.fetchNcco([destination.url], 'GET', this.answerPayload(), 'the transfer URL')
  }

  private async runAction(action: NccoAction): Promise<Step> {
    this.step = new AbortController()
    if (this.hangup.signal.aborted) throw new HungUp('hung up')
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
        case 'conversation':
          return await this.conversation(action)
      }
    } catch (error) {
      if (this.hangup.signal.aborted) throw new HungUp('hung up')
      // A transfer stopped the action: the loop picks up the new NCCO.
      if (this.transferTo) return { then: 'continue' }
      throw error
    }
  }

  // ── Answer webhooks ──────────────────────────────────────────────────────────────────────────

  /** What Vonage sends to an answer URL for this leg. */
  protected abstract answerPayload(): Record<string, unknown>

  /** Fetches an NCCO from the first URL that answers usably (each tried twice on no reply, 429, 503, 504). */
  protected async fetchNcco(urls: string[], method: 'GET' | 'POST', payload: Record<string, unknown>, who = 'the answer webhook'): Promise<NccoAction[]> {
    let failure = ''
    for (const url of urls) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const outcome = await this.exchange('answer', method, url, payload, attempt, this.options.answerTimeoutMs ?? 5000)
        this.progress(`answer ${method} ${url} → ${'error' in outcome ? `no reply (${outcome.error})` : `HTTP ${outcome.status}`}`)
        if ('error' in outcome) failure = `${who} ${url} did not answer (${outcome.error})`
        else if (ANSWER_RETRY_STATUSES.includes(outcome.status)) failure = `${who} replied HTTP ${outcome.status}`
        else return this.nccoFrom(outcome, who)
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

  // ── NCCO actions ─────────────────────────────────────────────────────────────────────────────

  private async talk(action: TalkAction): Promise<Step> {
    const spoken = plainText(action.text)
    this.log.spoken.push(spoken)
    const ms = (TALK_PAUSE_MS + spoken.length * TALK_MS_PER_CHAR) * Math.max(1, action.loop ?? 1)
    this.progress(`talk: "${shorten(spoken)}" (${(ms / 1000).toFixed(1)} s)`)
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
    const payload = this.recordingPayload(recording, startMs, endMs, this.conversationUuid, this.clock.now())
    const request = action.transcription
    if (recording && request) recording.transcription = this.storeTranscript(audio, lengthMs, request.language)
    const transcribed = recording?.transcription
    // Vonage posts the transcription event to its own eventUrl, else to the record's.
    const announceTranscript = async (): Promise<void> => {
      if (!request || !recording || !transcribed) return
      const event = { conversation_uuid: this.conversationUuid, recording_uuid: recording.recordingUuid, status: 'transcribed', transcription_url: transcribed.url, type: 'record' }
      await this.deliver('transcription', request.eventMethod, request.eventUrl ?? action.eventUrl ?? this.env.eventUrl, event, 'transcription event')
    }
    const post = async (): Promise<void> => {
      if (this.options.transcriptionBeforeRecording) await announceTranscript()
      await this.deliver('recording', action.eventMethod, action.eventUrl ?? this.env.eventUrl, payload, 'recording event')
      if (!this.options.transcriptionBeforeRecording) await announceTranscript()
    }
    if (this.options.recordingEventAfterCompleted) this.deferred.push(post)
    else await post()
    if (this.hangup.signal.aborted) throw new HungUp('hung up')
    return endedBy === 'hangup' ? { then: 'hangup' } : { then: 'continue' }
  }

  private recordingPayload(recording: SimRecording | null, startMs: number, endMs: number, conversationUuid: string, now: number): Record<string, unknown> {
    return {
      start_time: isoSeconds(startMs),
      recording_url: recording?.url ?? '',
      size: recording?.size ?? 0,
      recording_uuid: recording?.recordingUuid ?? randomUUID(),
      end_time: isoSeconds(endMs),
      conversation_uuid: conversationUuid,
      timestamp: isoMs(now)
    }
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
    this.log.recordings.push(recording)
    this.progress(`recording ${recording.url} (${recording.size} bytes, ${(lengthMs / 1000).toFixed(1)} s, ended by ${endedBy})`)
    return recording
  }

  /**
   * The transcript of what the caller said in the first `lengthMs` of `audio` (what was recorded),
   * stored like a recording and served at its own `/v1/files/<id>` behind the same application JWT.
   */
  private storeTranscript(audio: CallerAudio, lengthMs: number, language: string): SimTranscription {
    const transcript = cutTranscript(audio.transcript, lengthMs)
    const file = this.options.transcriptNotJson
      ? this.env.store.add(Buffer.from('<html><body>Service temporarily unavailable</body></html>'), 'application/json')
      : this.env.store.add(Buffer.from(JSON.stringify(transcript)), 'application/json')
    const url = `${this.env.baseUrl}/v1/files/${file.id}`
    this.progress(`transcript ${url} (${transcript.channels[0]!.transcript.length} sentences${this.options.transcriptNotJson ? ', served as HTML' : ''})`)
    return { fileId: file.id, url, language, transcript }
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
      signal: this.step.signal
    })
    this.clock.advance(leg.audioMs)
    this.log.streams.push(leg)
    this.progress(`connect: ${leg.frames} frames (${leg.bytes.length} bytes) sent, ended by ${leg.endedBy}${leg.error ? ` (${leg.error})` : ''}`)
    await legEvent(leg.endedBy === 'failed' ? 'failed' : leg.endedBy === 'app-closed' ? 'disconnected' : 'completed')
    if (leg.endedBy === 'hangup') {
      if (this.hangup.signal.aborted) throw new HungUp('hung up')
      return { then: 'continue' } // stopped by a transfer
    }
    // After the audio the caller hangs up; a limit, a socket the app closed or one that never opened lets the NCCO go on.
    return leg.endedBy === 'audio-end' ? { then: 'hangup' } : { then: 'continue' }
  }

  /**
   * Joins the named conversation. A leg that does not start it waits (hearing the hold music)
   * until one that does joins; then it stays for `stayInConversationMs()` (the caller says its
   * piece, a staff member talks for `talkMs`), until it is left alone, or until the conversation
   * ends under it. Whichever way, the leg then hangs up, as a conversation is the end of an NCCO.
   */
  private async conversation(action: ConversationAction): Promise<Step> {
    const conversation = this.env.conversations.open(action.name)
    const member = conversation.join(
      { legUuid: this.uuid, direction: this.direction, startOnEnter: action.startOnEnter, endOnExit: action.endOnExit, record: action.record },
      {
        ...(this.direction === 'inbound' ? { callerAudio: this.env.audio } : {}),
        ...(action.record ? { recorder: { audio: this.env.audio, save: (take: RecordingTake) => this.saveConversationRecording(take, action) } } : {})
      }
    )
    this.conversationUuid = conversation.uuid
    this.log.conversations.push(action.name)
    this.joinedConversation(action.name)
    this.progress(`conversation "${action.name}" (${conversation.uuid}): joined, ${conversation.status}${action.record ? ', recorded' : ''}`)
    const signal = this.step.signal
    let outcome: 'own' | 'alone' | 'dropped' = 'dropped'
    try {
      if (conversation.status === 'waiting') {
        if (action.musicOnHoldUrl) {
          const music = await fetchMusicOnHold(action.musicOnHoldUrl, signal)
          this.log.musicOnHold.push(music)
          this.progress(`music on hold ${music.url} → ${music.status ? `HTTP ${music.status} ${music.contentType}` : `no reply (${music.error})`}`)
        }
        await conversation.until(() => conversation.status !== 'waiting', signal)
      }
      if (conversation.status === 'started') {
        // Real time, whatever the pacing: the other legs and the app act meanwhile.
        const stayed = await conversation.until(() => conversation.ended || conversation.leftAlone(member), signal, this.stayInConversationMs())
        outcome = !stayed ? 'own' : conversation.ended ? 'dropped' : 'alone'
      }
    } finally {
      conversation.leave(member)
      if (action.record && conversation.recordingStarted) this.pendingRecordings.push(conversation.finished)
    }
    this.leftConversation(outcome)
    this.progress(`conversation "${action.name}": left (${outcome === 'own' ? 'hung up' : outcome === 'alone' ? 'left alone' : 'the conversation ended'})`)
    return { then: 'hangup' }
  }

  /** Notes the first conversation the leg joined (outbound records name it). */
  protected joinedConversation(_name: string): void {}

  /** How long this leg stays in a started conversation before hanging up by itself. */
  protected abstract stayInConversationMs(): number

  /** Notes who ended the leg when a conversation let it go. */
  protected abstract leftConversation(outcome: 'own' | 'alone' | 'dropped'): void

  private async saveConversationRecording(take: RecordingTake, action: ConversationAction): Promise<SimRecording | undefined> {
    const recording = this.options.emptyRecording ? null : this.storeRecording('mp3', take.audio, take.lengthMs, take.startMs, take.endMs, 'conversation')
    const payload = this.recordingPayload(recording, take.startMs, take.endMs, take.conversationUuid, Date.now())
    await this.deliver('recording', action.eventMethod, action.eventUrl ?? this.env.eventUrl, payload, `conversation "${action.name}" recording event`)
    return recording ?? undefined
  }

  // ── The end ──────────────────────────────────────────────────────────────────────────────────

  /** The `completed` event (duration, price, …), deferred callbacks, then the recordings still being announced. */
  protected async complete(): Promise<number> {
    this.state = 'ended'
    const endedAt = this.clock.now()
    this.endedAt = endedAt
    const durationMs = this.answeredAt === undefined ? 0 : endedAt - this.answeredAt
    const seconds = Math.round(durationMs / 1000)
    await this.event('completed', {
      start_time: isoMs(this.answeredAt ?? this.startedAt ?? endedAt),
      end_time: isoMs(endedAt),
      duration: String(seconds),
      rate: RATE,
      price: (Number(RATE) * Math.ceil(seconds / 60)).toFixed(8),
      network: '23410'
    })
    for (const send of this.deferred) await send()
    await Promise.all(this.pendingRecordings)
    return durationMs
  }

  // ── Callbacks ────────────────────────────────────────────────────────────────────────────────

  protected async event(status: string, extra: Record<string, unknown> = {}): Promise<void> {
    this.lastStatus = status
    this.log.statuses.push(status)
    const payload = { from: this.from, to: this.to, uuid: this.uuid, conversation_uuid: this.conversationUuid, status, direction: this.direction, timestamp: isoMs(this.clock.now()), ...extra }
    await this.deliver('event', this.env.eventMethod, this.env.eventUrl, payload, `event ${status}`)
  }

  /**
   * An event-like callback: one more attempt on no reply or 5xx (as Vonage), sent twice if asked.
   * Resolves with the first usable reply, else the last failure; logs `what → outcome`. No URL: nothing sent.
   */
  protected async deliver(kind: CallbackKind, method: 'GET' | 'POST', url: string | undefined, payload: Record<string, unknown>, what: string = kind): Promise<Reply | undefined> {
    if (!url) return undefined
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
    const sentAt = Date.now()
    const { body, reply } = sendCallback(method, url, payload, { ...this.delivery, readTimeoutMs })
    const sent = { kind, method, url, body, payload, attempt, sentAt }
    try {
      const answer = await reply
      this.log.callbacks.push({ ...sent, status: answer.status })
      return answer
    } catch (error) {
      const message = (error as Error).message
      this.log.callbacks.push({ ...sent, error: message })
      return { error: message }
    }
  }

  protected progress(line: string): void {
    this.options.onProgress?.(`[${this.uuid.slice(0, 8)}] ${line}`)
  }
}

/** A fresh log for a leg. */
export function emptyLegLog(): LegLog {
  return { callbacks: [], actions: [], statuses: [], recordings: [], streams: [], spoken: [], conversations: [], musicOnHold: [], transferred: false }
}

/** What a TTS voice says: the text without SSML tags. */
const plainText = (text: string): string => text.replace(/<[^>]*>/g, '').trim()
const shorten = (text: string): string => `${text.slice(0, 60)}${text.length > 60 ? '…' : ''}`
