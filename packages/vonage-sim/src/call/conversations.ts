import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { CallerAudio } from '../caller/caller-audio'
import type { SimRecording } from './call-options'

/** One leg in a conversation, as the conversation saw it. */
export interface ConversationMember {
  legUuid: string
  direction: 'inbound' | 'outbound'
  /** Date.now() of joining and leaving. */
  joinedAt: number
  leftAt?: number
  startOnEnter: boolean
  endOnExit: boolean
  record: boolean
}

/** What a recorded conversation needs from the member that asked for the recording. */
export interface ConversationRecorder {
  /** The member's own audio, used when no caller (inbound leg) is in the conversation. */
  audio: () => CallerAudio
  /** Stores the recording and posts its event (signed, to the member's `eventUrl`); undefined when none was stored. */
  save: (take: RecordingTake) => Promise<SimRecording | undefined>
}

export interface RecordingTake {
  audio: CallerAudio
  startMs: number
  endMs: number
  lengthMs: number
  conversationUuid: string
}

export interface JoinOptions {
  /** An inbound leg's caller audio: what a recording of the conversation holds. */
  callerAudio?: () => CallerAudio
  /** Set when this member's action has `record: true`. */
  recorder?: ConversationRecorder
}

/**
 * A named conversation: legs wait in it (`startOnEnter: false`) until a leg that starts it joins;
 * it ends when a member with `endOnExit` leaves (the others are dropped) or when the last one
 * leaves. If a member asked to `record`, the recording runs from the start to the end and is
 * announced once the conversation has ended. Times are real (Date.now()): several legs and the
 * app take part, so nothing here can be skipped the way one leg's own waits can.
 */
export class SimConversation {
  /** Vonage moves every member into the named conversation; their events carry this uuid. */
  readonly uuid = `CON-${randomUUID()}`
  status: 'waiting' | 'started' | 'ended' = 'waiting'
  readonly members: ConversationMember[] = []
  readonly createdAt = Date.now()
  startedAt?: number
  endedAt?: number
  recording?: SimRecording
  /** Resolves once the conversation ended and its recording, if any, was announced. */
  readonly finished: Promise<void>
  private resolveFinished!: () => void
  private readonly changes = new EventEmitter().setMaxListeners(0)
  private recorder: ConversationRecorder | undefined
  private recordingFrom: number | undefined
  private callerAudio: (() => CallerAudio) | undefined
  /** The most members ever present at once since the start (a member alone after that was left alone). */
  private peak = 0

  constructor(readonly name: string) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve))
  }

  /** Members still in it. */
  get active(): ConversationMember[] {
    return this.members.filter((member) => member.leftAt === undefined)
  }

  /** A getter, not a field, so a check after a wait is not narrowed away by one before it. */
  get ended(): boolean {
    return this.status === 'ended'
  }

  /** True once the recording runs (started, and a member asked to record). */
  get recordingStarted(): boolean {
    return this.recordingFrom !== undefined
  }

  join(member: Omit<ConversationMember, 'joinedAt' | 'leftAt'>, options: JoinOptions = {}): ConversationMember {
    if (this.status === 'ended') throw new Error(`conversation ${this.name} has ended`)
    const joined: ConversationMember = { ...member, joinedAt: Date.now() }
    this.members.push(joined)
    if (options.callerAudio) this.callerAudio ??= options.callerAudio
    if (options.recorder) this.recorder ??= options.recorder
    if (this.status === 'waiting' && member.startOnEnter) this.start()
    else if (this.status === 'started' && this.recorder && this.recordingFrom === undefined) this.recordingFrom = Date.now()
    this.peak = Math.max(this.peak, this.status === 'started' ? this.active.length : 0)
    this.changed()
    return joined
  }

  /** The member leaves (hung up, transferred, dropped); idempotent. */
  leave(member: ConversationMember): void {
    if (member.leftAt !== undefined) return
    member.leftAt = Date.now()
    if (this.status !== 'ended' && (member.endOnExit || this.active.length === 0)) this.end()
    this.changed()
  }

  /** True when `member` is the only one left after someone else had been there with it. */
  leftAlone(member: ConversationMember): boolean {
    const active = this.active
    return this.status === 'started' && this.peak >= 2 && active.length === 1 && active[0] === member
  }

  /**
   * Resolves true as soon as `condition()` holds (checked now and on every change), false after
   * `timeoutMs`; rejects when `signal` aborts (the leg hung up or was transferred).
   */
  until(condition: () => boolean, signal: AbortSignal, timeoutMs = Infinity): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error)
      if (condition()) return resolve(true)
      let timer: NodeJS.Timeout | undefined
      const settle = (settleWith: () => void): void => {
        clearTimeout(timer)
        this.changes.off('change', check)
        signal.removeEventListener('abort', abort)
        settleWith()
      }
      const check = (): void => {
        if (condition()) settle(() => resolve(true))
      }
      const abort = (): void => settle(() => reject(signal.reason as Error))
      this.changes.on('change', check)
      signal.addEventListener('abort', abort, { once: true })
      if (Number.isFinite(timeoutMs)) timer = setTimeout(() => settle(() => resolve(false)), timeoutMs)
    })
  }

  private start(): void {
    this.status = 'started'
    this.startedAt = Date.now()
    if (this.recorder) this.recordingFrom = this.startedAt
  }

  private end(): void {
    this.status = 'ended'
    this.endedAt = Date.now()
    const recorder = this.recorder
    const from = this.recordingFrom
    if (!recorder || from === undefined) {
      this.resolveFinished()
      return
    }
    const audio = (this.callerAudio ?? recorder.audio)()
    // The recording holds the caller's audio for as long as the conversation ran, at most all of it.
    const lengthMs = Math.min(this.endedAt - from, audio.durationMs)
    recorder
      .save({ audio, startMs: from, endMs: from + lengthMs, lengthMs, conversationUuid: this.uuid })
      .then((recording) => {
        if (recording) this.recording = recording
      })
      .catch((error: unknown) => console.error(`[vonage-sim] recording of conversation ${this.name} failed:`, error))
      .finally(() => this.resolveFinished())
  }

  private changed(): void {
    this.changes.emit('change')
  }
}

/** The simulator's named conversations, shared by all its legs (inbound and outbound). */
export class Conversations {
  private readonly byName = new Map<string, SimConversation>()
  /** Every conversation so far, oldest first. */
  readonly all: SimConversation[] = []

  /** The conversation going on under `name`, else the last one that had it. */
  get(name: string): SimConversation | undefined {
    return this.byName.get(name)
  }

  /** The live conversation called `name`; a new one when there is none or the last has ended. */
  open(name: string): SimConversation {
    const current = this.byName.get(name)
    if (current && current.status !== 'ended') return current
    const conversation = new SimConversation(name)
    this.byName.set(name, conversation)
    this.all.push(conversation)
    return conversation
  }
}
