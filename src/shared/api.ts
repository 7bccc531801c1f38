/**
 * The one contract between the window and the services. The Electron preload exposes exactly
 * these methods over IPC; the headless server exposes the same ones over HTTP, and the renderer
 * picks a transport at start-up. Every argument crosses a trust boundary: the services validate
 * each one (see src/main/api/handlers.ts). No method takes a filesystem path from the renderer.
 */
import type { EntryDto, HistoryPage, ImportTicket, JournalInfo, JournalStatus } from './dto'
import type { CallDto, IntakeMode, IntakeStatus, SettingsDto, SettingsUpdate } from './intake'

export interface VoiceJournalApi {
  /** Key, link and writability of the journal the window shows. */
  getJournal(): Promise<JournalInfo>
  /** Peers, version, last change and logical size. Also pushed as the `status` event. */
  getStatus(): Promise<JournalStatus>
  /** Every entry, newest first; `version` opens that version read-only. */
  listEntries(args: { version?: number }): Promise<EntryDto[]>
  /** Changes newest first, at most `limit`, older than version `before` when given. */
  getHistory(args: { limit?: number; before?: number }): Promise<HistoryPage>
  /** Starts an import of an audio file the user picked; bytes follow through `appendImport`. */
  beginImport(args: { fileName: string; size: number }): Promise<ImportTicket>
  /** Appends the next chunk (at most IMPORT_CHUNK_BYTES) of an import, in order. */
  appendImport(args: { importId: string; chunk: Uint8Array }): Promise<{ received: number }>
  /** Checks that the bytes are audio and adds them as an entry. */
  finishImport(args: { importId: string; title?: string }): Promise<EntryDto>
  /** Drops a started import and its temporary file. */
  cancelImport(args: { importId: string }): Promise<void>
  /** Removes an entry from the current version; history keeps it. */
  deleteEntry(args: { path: string }): Promise<void>
  /** Sets or clears (empty string) an entry's title. */
  renameEntry(args: { path: string; title: string }): Promise<EntryDto>

  /** Settings with secrets redacted, and the webhook URLs to paste into Vonage. */
  getSettings(): Promise<SettingsDto>
  /** Validates and saves; a bad value is refused with a message naming the field, and nothing is saved. */
  saveSettings(args: SettingsUpdate): Promise<SettingsDto>
  /** Writes the answer and event URLs into the Vonage application (Applications API: read, change, write back). */
  configureVonageApplication(args: { apiKey: string; apiSecret: string }): Promise<{ answerUrl: string; eventUrl: string }>
  /** Live calls and recordings still to download. Also pushed as the `intake` event. */
  getIntakeStatus(): Promise<IntakeStatus>
  /** Tries a failed download again now. */
  retryDownload(args: { recordingUuid: string }): Promise<void>
  /** The private call log, newest first. */
  listCalls(): Promise<CallDto[]>
  /** The call log as CSV text (the window saves it as a file). */
  exportCallsCsv(): Promise<{ fileName: string; csv: string }>
  /** Places a call from the built-in Vonage simulator to this app, through the real webhooks. */
  simulateCall(args: { mode?: IntakeMode }): Promise<{ callUuid: string }>
}

export type ApiMethod = keyof VoiceJournalApi
export type ApiArgs<M extends ApiMethod> = Parameters<VoiceJournalApi[M]>[0]
export type ApiResult<M extends ApiMethod> = Awaited<ReturnType<VoiceJournalApi[M]>>

/** Listed once so the preload, the IPC handlers and the HTTP router all agree on the same set. */
export const API_METHODS = [
  'getJournal',
  'getStatus',
  'listEntries',
  'getHistory',
  'beginImport',
  'appendImport',
  'finishImport',
  'cancelImport',
  'deleteEntry',
  'renameEntry',
  'getSettings',
  'saveSettings',
  'configureVonageApplication',
  'getIntakeStatus',
  'retryDownload',
  'listCalls',
  'exportCallsCsv',
  'simulateCall'
] as const satisfies readonly ApiMethod[]

/** Events the services push to the window. */
export interface ApiEvents {
  /** Status changed: a peer came or went, the version moved. */
  status: JournalStatus
  /** A call started, advanced or ended; a download changed state. */
  intake: IntakeStatus
  /** The call log changed. */
  calls: { count: number }
}
export type ApiEventName = keyof ApiEvents
export const API_EVENTS = ['status', 'intake', 'calls'] as const satisfies readonly ApiEventName[]

/** Chunk size for imports: big enough to keep calls few, small enough for steady progress. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024
/** Largest file an import accepts (a 2-hour WAV at 16 kHz is ~230 MB). */
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024

/** The renderer-side shape: the contract plus event subscription. */
export interface ApiClient extends VoiceJournalApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
  /** URL the shared <audio> element plays for an entry (range requests supported). */
  audioUrl(path: string, version?: number): string
}

/** Errors cross both transports as `{ error: { code, message } }` and are rethrown as ApiError. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}
export type ApiErrorCode = 'bad-request' | 'not-found' | 'not-audio' | 'too-large' | 'read-only' | 'unavailable' | 'internal'
