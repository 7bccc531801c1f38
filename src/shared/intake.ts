/** Phone intake: settings, live calls, pending downloads and the private call log, as the window sees them. */

export type IntakeMode = 'record' | 'stream'

/** Settings as shown to the window. Secrets never travel back: only whether they are set. */
export interface SettingsDto {
  applicationId: string
  privateKeySet: boolean
  signatureSecretSet: boolean
  publicUrl: string
  apiHost: string
  mode: IntakeMode
  /** Spoken before the beep; empty = no greeting. */
  greeting: string
  /** DTMF key that ends a recording: one of 0-9 * #. */
  endOnKey: string
  /** Longest call recorded, in seconds (3–7200). */
  maxSeconds: number
  /** E.164 digits without "+"; empty = everyone may call (the window warns). */
  allowedCallers: string[]
  bootstrap: string[]
  /** Desktop app: start at login, hidden (tray only). */
  openAtLogin: boolean
  /** Desktop notifications, each switchable: a new entry from a call, a download that gave up, new entries in a followed journal. */
  notifyCallEntries: boolean
  notifyFailedDownloads: boolean
  notifyFollowedEntries: boolean
  /** Names of settings fixed by environment variables for this run (they override saved values). */
  fromEnvironment: string[]
  /** True when an application id and private key are set: real Vonage calls can be taken. */
  vonageConfigured: boolean
  /** What to paste into the Vonage dashboard (derived from publicUrl; null until it is set). */
  webhookUrls: { answer: string; event: string } | null
}

/** A change to settings; omitted fields stay as they are. Secrets: a string sets, "" clears. */
export interface SettingsUpdate {
  applicationId?: string
  privateKey?: string
  signatureSecret?: string
  publicUrl?: string
  apiHost?: string
  mode?: IntakeMode
  greeting?: string
  endOnKey?: string
  maxSeconds?: number
  allowedCallers?: string[]
  bootstrap?: string[]
  openAtLogin?: boolean
  notifyCallEntries?: boolean
  notifyFailedDownloads?: boolean
  notifyFollowedEntries?: boolean
}

/** A call being streamed into the journal right now. */
export interface LiveCall {
  callId: string
  startedAt: number
  /** Audio received so far. */
  elapsedMs: number
}

export type DownloadState = 'waiting' | 'downloading' | 'retrying' | 'failed'
/** A recording Vonage announced that is not in the journal yet. */
export interface PendingDownload {
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
}
