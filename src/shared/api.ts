/**
 * The one contract between the window and the services. The Electron preload exposes exactly
 * these methods over IPC; the headless server exposes the same ones over HTTP, and the renderer
 * picks a transport at start-up. Every argument crosses a trust boundary: the services validate
 * each one (see src/main/api/handlers.ts). No method takes a filesystem path from the renderer.
 */
import type {
  EntryDto,
  HistoryPage,
  ImportTicket,
  JournalInfo,
  JournalStatus,
  LibraryItem,
  SeedingState,
  VersionChange
} from './dto'
import type { CallDto, IntakeMode, IntakeStatus, SettingsDto, SettingsUpdate } from './intake'

/**
 * `journal` arguments name a journal in the library by its z-base-32 key; left out, they mean the
 * active journal. Imports and calls always go to the active journal.
 */
export interface JournalRef {
  journal?: string
}

export interface VoiceJournalApi {
  /** Key, link, name, writability and provenance of a journal. */
  getJournal(args: JournalRef): Promise<JournalInfo>
  /** Peers, version, last change and logical size. Also pushed as the `status` event. */
  getStatus(args: JournalRef): Promise<JournalStatus>
  /** Every entry, newest first; `version` opens that version read-only. */
  listEntries(args: JournalRef & { version?: number }): Promise<EntryDto[]>
  /** Changes newest first, at most `limit`, older than version `before` when given. */
  getHistory(args: JournalRef & { limit?: number; before?: number }): Promise<HistoryPage>
  /** Entries that differ between versions `from` and `to` (default: the current version). */
  compareVersions(args: JournalRef & { from: number; to?: number }): Promise<VersionChange[]>
  /** Starts an import of an audio file the user picked; bytes follow through `appendImport`. */
  beginImport(args: { fileName: string; size: number }): Promise<ImportTicket>
  /** Appends the next chunk (at most IMPORT_CHUNK_BYTES) of an import, in order. */
  appendImport(args: { importId: string; chunk: Uint8Array }): Promise<{ received: number }>
  /** Checks that the bytes are audio and adds them as an entry. */
  finishImport(args: { importId: string; title?: string }): Promise<EntryDto>
  /** Drops a started import and its temporary file. */
  cancelImport(args: { importId: string }): Promise<void>
  /** Removes an entry from the current version; history keeps it. */
  deleteEntry(args: JournalRef & { path: string }): Promise<void>
  /** Sets or clears (empty string) an entry's title. */
  renameEntry(args: JournalRef & { path: string; title: string }): Promise<EntryDto>

  /** Every journal in the library: own, followed and forks. Also pushed as the `library` event. */
  listLibrary(): Promise<LibraryItem[]>
  /**
   * Adds (or finds) a journal by z-base-32 key, hex key or hyper:// link, joins its swarm and
   * returns at once; a key nobody serves yet is "looking for peers". A link's `+N` comes back as
   * `version` so the window can open that version. Anything else: bad-request with KEY_HELP.
   */
  addToLibrary(args: { link: string }): Promise<{ item: LibraryItem; version?: number }>
  /** Creates a new, empty journal of my own. */
  createJournal(args: { name: string }): Promise<LibraryItem>
  /**
   * Removes a journal from the library and stops serving it. A writable journal is only removed
   * with `confirmWritable: true` (the window asks twice); the active journal cannot be removed.
   */
  removeFromLibrary(args: { journal: string; confirmWritable?: boolean }): Promise<void>
  /** Makes a writable journal the one new calls and imports go to. */
  setActiveJournal(args: { journal: string }): Promise<LibraryItem>
  /** Seeding switch: 'seeding' downloads every version's blocks and keeps serving; 'paused' stops downloading. */
  setSeeding(args: { journal: string; state: SeedingState }): Promise<LibraryItem>
  /** Copies a journal (at `version`, default current) into a new writable journal with a provenance record. */
  forkJournal(args: { journal: string; version?: number; name?: string; makeActive?: boolean }): Promise<LibraryItem>

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
  'compareVersions',
  'beginImport',
  'appendImport',
  'finishImport',
  'cancelImport',
  'deleteEntry',
  'renameEntry',
  'listLibrary',
  'addToLibrary',
  'createJournal',
  'removeFromLibrary',
  'setActiveJournal',
  'setSeeding',
  'forkJournal',
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
  /** A journal's status changed (a peer came or went, the version moved); `key` says which. */
  status: JournalStatus
  /** The library changed: a journal added or removed, the active one, seeding progress, peers. */
  library: LibraryItem[]
  /** Blocks of a journal's entries arrived (blocksDownloaded moved); refetch its entries. */
  blocks: { journal: string }
  /** Something outside the window (a hyper:// link, the tray) asks it to show this journal. */
  open: { journal: string; version?: number }
  /** A call started, advanced or ended; a download changed state. */
  intake: IntakeStatus
  /** The call log changed. */
  calls: { count: number }
}
export type ApiEventName = keyof ApiEvents
export const API_EVENTS = ['status', 'library', 'blocks', 'open', 'intake', 'calls'] as const satisfies readonly ApiEventName[]

/** Chunk size for imports: big enough to keep calls few, small enough for steady progress. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024
/** Largest file an import accepts (a 2-hour WAV at 16 kHz is ~230 MB). */
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024

/** The renderer-side shape: the contract plus event subscription. */
export interface ApiClient extends VoiceJournalApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
  /** URL the shared <audio> element plays for an entry of a journal (range requests supported). */
  audioUrl(journal: string, path: string, version?: number): string
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
export type ApiErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'not-audio'
  | 'too-large'
  | 'read-only'
  | 'unavailable'
  | 'needs-confirmation'
  | 'internal'
