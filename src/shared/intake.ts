/** Phone intake: settings, live calls, pending downloads and the private call log, as the window sees them. */
import type { INTAKE_MODES, Settings, SettingsField } from './settings-schema'

export type IntakeMode = (typeof INTAKE_MODES)[number]
export type { SettingsUpdate } from './settings-schema'

/**
 * Settings as shown to the window: every setting but the secrets, which never travel back (only
 * whether they are set), plus what the services work out from them.
 */
export type SettingsDto = Omit<Settings, 'privateKey' | 'signatureSecret' | 'notifyWebhookSecret'> & {
  privateKeySet: boolean
  signatureSecretSet: boolean
  notifyWebhookSecretSet: boolean
  /** Settings fixed by environment variables for this run (they override saved values). */
  fromEnvironment: SettingsField[]
  /** True when an application id and private key are set: real Vonage calls can be taken. */
  vonageConfigured: boolean
  /** What to paste into the Vonage dashboard (derived from publicUrl; null until it is set). */
  webhookUrls: { answer: string; event: string } | null
  /** Where the app writes its log (null: console only). */
  logFile: string | null
}

/** A call being streamed into the journal right now. */
export interface LiveCall {
  callId: string
  startedAt: number
  /** Audio received so far. */
  elapsedMs: number
}

export type DownloadState = 'waiting' | 'downloading' | 'retrying' | 'failed'
/** A recording (or a recording's transcript) Vonage announced that is not in the journal yet. */
export interface PendingDownload {
  /** What is downloaded: the recording (when absent) or its transcript. */
  kind?: 'recording' | 'transcript'
  recordingUuid: string
  state: DownloadState
  attempts: number
  lastError?: string
  /** When the next attempt is due (retrying). */
  nextAttemptAt?: number
}

export interface IntakeStatus {
  mode: IntakeMode
  liveCalls: LiveCall[]
  downloads: PendingDownload[]
}

export interface CallStatusChange {
  status: string
  at: number
}
/** How a hotline call ended for its caller. */
export type HotlineOutcome = 'answered' | 'voicemail' | 'abandoned' | 'unanswered'

/** A hotline call in the ledger: who was rung and what each did, who answered, how long the caller waited. */
export interface HotlineLedger {
  /** The hotline's name when the call came in. */
  name: string
  /** Every staff member rung, in the order of the list, with the last thing their phone did. */
  rung: Array<{ name: string; status: string; at: number }>
  answeredBy?: string
  answeredAt?: number
  /** From the caller's answer to a staff member joining, to voicemail, or to hanging up. */
  waitedMs?: number
  outcome?: HotlineOutcome
}

/** One call in the private call log (never written to a journal). */
export interface CallDto {
  uuid: string
  conversationUuid?: string
  from?: string
  to?: string
  direction?: string
  statuses: CallStatusChange[]
  startedAt: number
  durationSeconds?: number
  /** The journal entry the call produced, once it exists. */
  entryPath?: string
  /** Hotline mode: the ledger of this call. */
  hotline?: HotlineLedger
}
