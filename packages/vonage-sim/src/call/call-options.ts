import type { CallerAudio } from '../caller/caller-audio'
import type { SimTranscript } from '../caller/transcript'
import type { CallFaults } from '../faults'
import type { SentCallback } from '../webhooks/webhook-client'
import type { StreamLegResult } from './websocket-leg'

/** A call's options; its fault knobs (`signing`, `duplicateEvents`, …) are the `CallFaults`. */
export interface PlaceCallOptions extends CallFaults {
  /** The app's answer webhook; default: the simulated application's `answer_url`. */
  answerUrl?: string
  /** Default: the application's `answer_url.http_method`, else GET (Vonage's default). */
  answerMethod?: 'GET' | 'POST'
  /** The app's event webhook; default: the application's `event_url`. */
  eventUrl?: string
  /** The caller's number, E.164 digits without "+" (default 447700900001). */
  from?: string
  /** The number called (default 447700900000). */
  to?: string
  /** What the caller says (default: the bundled speech). */
  audio?: CallerAudio
  /** What the caller says at each `record` action, in order (several recordings per call); missing = `audio`. */
  segmentAudio?: CallerAudio[]
  /** Real-time pacing (default true). False: no waits, frames as fast as the socket takes them. */
  realtime?: boolean
  /** Digits the caller presses at each `input` action, in order; missing = the input times out. */
  dtmf?: string[]
  /** Press the record's `endOnKey` after speaking (default true); false = the caller hangs up instead. */
  pressEndOnKey?: boolean
  /** Also post the WebSocket leg's own events (its uuid, `direction: "outbound"`, `to` = the URI). */
  websocketLegEvents?: boolean
  /** `region_url` sent to the answer webhook (default https://api-us-3.vonage.com). */
  regionUrl?: string
  /** Webhook timeouts (Vonage: connect 1 s, answer read 5 s, event read 10 s). */
  connectTimeoutMs?: number
  answerTimeoutMs?: number
  eventTimeoutMs?: number
  /** One line per step, for the CLI and logs. */
  onProgress?: (line: string) => void
}

/** A recording the call made, as stored in the simulator and announced to the app. */
export interface SimRecording {
  fileId: string
  recordingUuid: string
  url: string
  size: number
  contentType: string
  bytes: Buffer
  durationMs: number
  startTime: string
  endTime: string
  /** How the record action ended; 'conversation': a recorded conversation that ended. */
  endedBy: 'key' | 'silence' | 'timeout' | 'hangup' | 'conversation'
  /** Asked for with `record.transcription`: Vonage's transcript JSON of what was recorded, and where it is served. */
  transcription?: SimTranscription
}

/** A recording's transcript as the simulator stored it (served at `url` like the recording). */
export interface SimTranscription {
  fileId: string
  url: string
  language: string
  /** What `url` serves (unless `transcriptNotJson` made it serve something else). */
  transcript: SimTranscript
}

/** What a leg heard of a conversation's `musicOnHoldUrl` (fetched once, with a plain GET). */
export interface MusicOnHold {
  url: string
  /** HTTP status; 0 when no reply came. */
  status: number
  contentType: string
  /** 200 with an audio/* content type: what Vonage could play. */
  playable: boolean
  /** Why no reply came. */
  error?: string
}

/** What any leg did, inbound or outbound. */
export interface LegLog {
  /** Every callback sent, in order, retries and duplicates included. */
  callbacks: SentCallback[]
  /** The NCCO actions run, in order. */
  actions: string[]
  /** Every status event sent (`started`, `ringing`, …), in order. */
  statuses: string[]
  recordings: SimRecording[]
  /** One per `connect` action: what was streamed (`bytes` are exactly the PCM sent). */
  streams: StreamLegResult[]
  /** Every text the leg heard, in order: its NCCO's `talk` actions and `PUT /v1/calls/:uuid/talk`. */
  spoken: string[]
  /** The named conversations the leg joined, in order. */
  conversations: string[]
  musicOnHold: MusicOnHold[]
  /** The app moved the leg to another NCCO (`PUT /v1/calls/:uuid` with `action: "transfer"`). */
  transferred: boolean
}

export interface CallResult extends LegLog {
  uuid: string
  conversationUuid: string
  /** 'failed': the answer webhook or an NCCO could not be used; the call still ended with `completed`. */
  status: 'completed' | 'failed'
  /** What went wrong, in words fit to print. */
  error?: string
  /** From answer to hang-up, in call time. */
  durationMs: number
}

export interface CallHandle {
  /** The call leg's uuid (32 hex digits). */
  uuid: string
  /** `CON-<uuid>`: the call's own conversation (its events carry a named conversation's once it joins one). */
  conversationUuid: string
  done: Promise<CallResult>
  /** The caller hangs up now (also while waiting in a conversation): the current action stops, the call completes. */
  hangUp(): void
}
