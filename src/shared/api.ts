/**
 * The one contract between the window and the services. The Electron preload exposes exactly
 * these methods over IPC; the headless server exposes the same ones over HTTP, and the renderer
 * picks a transport at start-up. Every argument crosses a trust boundary: the services check each
 * one against its schema below before any handler runs (src/main/api/invoke.ts). No method takes
 * a filesystem path from the renderer.
 */
import * as v from 'valibot'
import type {
  EntryDto,
  HistoryPage,
  ImportTicket,
  RecordingTicket,
  JournalInfo,
  JournalStatus,
  LibraryItem,
  NetworkStatus,
  SeedingState,
  VersionChange
} from './dto'
import type { CallDto, IntakeStatus, SettingsDto } from './intake'
import type { NotificationsStatus, TestNotificationResult } from './notify'
import { INTAKE_MODES, SettingsUpdateSchema } from './settings-schema'
import { TRANSCRIPT_LIMITS } from './transcript'
import type { SearchResults, TranscriptDto } from './transcript-dto'

/**
 * `journal` arguments name a journal in the library by its z-base-32 key; left out, they mean the
 * active journal. Imports and calls always go to the active journal.
 */
const journalKey = v.pipe(v.string('journal must be a journal key'), v.minLength(1, 'journal must be a journal key'), v.maxLength(200, 'journal must be a journal key'))
const version = (name: string) =>
  v.pipe(
    v.number(`${name} must be a version number`),
    v.integer(`${name} must be a version number`),
    v.minValue(1, `${name} must be a version number`),
    v.maxValue(Number.MAX_SAFE_INTEGER, `${name} must be a version number`)
  )
/** Absent, undefined and null all mean "not given" (JSON has no undefined). */
const optional = <S extends v.GenericSchema>(schema: S) => v.optional(v.pipe(v.nullable(schema), v.transform((value) => value ?? undefined)))
const text = (name: string, max: number, allowEmpty = false) =>
  v.pipe(
    v.string(`${name} must be text`),
    v.check((value) => allowEmpty || value.length > 0, `${name} must not be empty`),
    v.maxLength(max, `${name} must be at most ${max} characters`)
  )
const flag = (name: string) => v.boolean(`${name} must be true or false`)
/** Arguments whose fields are all optional may be left out altogether. */
const allOptional = <E extends v.ObjectEntries>(entries: E) => v.optional(v.strictObject(entries), () => ({}) as v.InferInput<v.StrictObjectSchema<E, undefined>>)
const noArgs = allOptional({})
const journalRef = { journal: optional(journalKey) }
/** Methods that change a library entry must name it; they never fall back to the active journal. */
const namedJournal = { journal: journalKey }

/** A time in a recording, in ms. */
const transcriptMs = (name: string) =>
  v.pipe(v.number(`${name} must be a number of milliseconds`), v.minValue(0, `${name} must not be negative`), v.maxValue(TRANSCRIPT_LIMITS.maxMs, `${name} is past the end of any recording`))
const timed = { startMs: transcriptMs('startMs'), endMs: transcriptMs('endMs') }
const endsAfterStart = <T extends { startMs: number; endMs: number }>(what: string) => v.check<T, string>((span) => span.endMs >= span.startMs, `A ${what} must end after it starts`)
/** A transcript as the window shows and corrects it (src/shared/transcript-dto.ts). */
const TranscriptSentencesSchema = v.pipe(
  v.array(
    v.pipe(
      v.strictObject({
        text: text('sentence', TRANSCRIPT_LIMITS.textChars, true),
        ...timed,
        words: v.pipe(
          v.array(v.pipe(v.strictObject({ text: text('word', TRANSCRIPT_LIMITS.wordChars), ...timed }), endsAfterStart('word'))),
          v.maxLength(TRANSCRIPT_LIMITS.wordsPerSentence, `A sentence has at most ${TRANSCRIPT_LIMITS.wordsPerSentence} words`)
        )
      }),
      endsAfterStart('sentence')
    )
  ),
  v.maxLength(TRANSCRIPT_LIMITS.sentences, `A transcript has at most ${TRANSCRIPT_LIMITS.sentences} sentences`)
)

/** One method of the contract: the schema its argument is checked with, and (as a type only) what it resolves to. */
export interface ApiMethodSpec<A extends v.GenericSchema, R> {
  args: A
  /** Never set: carries the result type. */
  result?: R
}
const method = <A extends v.GenericSchema>(args: A) => ({ returns: <R>(): ApiMethodSpec<A, R> => ({ args }) })

/**
 * The contract, written once: every method, its argument schema and its result. The preload,
 * the IPC handlers, the HTTP router and the window's client are all derived from this object,
 * and the services check every argument against its schema before a handler runs.
 */
export const API = {
  /** Key, link, name, writability and provenance of a journal. */
  getJournal: method(allOptional(journalRef)).returns<JournalInfo>(),
  /** Peers, version, last change and logical size. Also pushed as the `status` event. */
  getStatus: method(allOptional(journalRef)).returns<JournalStatus>(),
  /**
   * Every entry, newest first; `version` opens that version read-only. `first` asks for only the
   * newest few: what a window needs to paint its first screen of a long journal.
   */
  listEntries: method(
    allOptional({
      ...journalRef,
      version: optional(version('version')),
      first: optional(v.pipe(v.number('first must be a number'), v.integer('first must be a whole number'), v.minValue(1, 'first must be at least 1')))
    })
  ).returns<EntryDto[]>(),
  /** Changes newest first, at most `limit`, older than version `before` when given. */
  getHistory: method(
    allOptional({
      ...journalRef,
      limit: optional(v.pipe(v.number('limit must be a number'), v.integer('limit must be a whole number'), v.minValue(1, 'limit must be from 1 to 1000'), v.maxValue(1000, 'limit must be from 1 to 1000'))),
      before: optional(version('before'))
    })
  ).returns<HistoryPage>(),
  /** Entries that differ between versions `from` and `to` (default: the current version). */
  compareVersions: method(v.strictObject({ ...journalRef, from: version('from'), to: optional(version('to')) })).returns<VersionChange[]>(),
  /** Starts an import of an audio file the user picked; bytes follow through `appendImport`. */
  beginImport: method(
    v.strictObject({
      fileName: text('fileName', 500),
      size: v.pipe(v.number('size must be a number of bytes'), v.safeInteger('size must be a whole number of bytes'), v.minValue(0, 'size must not be negative'))
    })
  ).returns<ImportTicket>(),
  /** Appends the next chunk (at most IMPORT_CHUNK_BYTES) of an import, in order. */
  appendImport: method(v.strictObject({ importId: text('importId', 100), chunk: v.instance(Uint8Array, 'chunk must be bytes') })).returns<{ received: number }>(),
  /**
   * Starts a recording made in the window (WebM or Ogg from MediaRecorder), open-ended: its chunks
   * follow through `appendImport` as they are recorded, at most RECORDING_MAX_BYTES in all, and
   * `finishImport` makes it an entry (source: microphone) in the active journal. One the window
   * stops sending (closed, crashed) becomes a partial entry; `cancelImport` throws it away.
   */
  beginRecording: method(noArgs).returns<RecordingTicket>(),
  /** The window still holds this recording (paused): keeps it from being taken as abandoned. Sent every `keepAliveMs`. */
  keepRecording: method(v.strictObject({ importId: text('importId', 100) })).returns<void>(),
  /** Checks that the bytes are audio and adds them as an entry. */
  finishImport: method(v.strictObject({ importId: text('importId', 100), title: optional(text('title', 200, true)) })).returns<EntryDto>(),
  /** Drops a started import and its temporary file. */
  cancelImport: method(v.strictObject({ importId: text('importId', 100) })).returns<void>(),
  /**
   * Removes an entry from the current version; history keeps it. `erase` also clears its audio
   * blocks from this computer (older versions then list it without audio; peers keep their copies).
   */
  deleteEntry: method(v.strictObject({ ...journalRef, path: text('path', 300), erase: optional(flag('erase')) })).returns<void>(),
  /** Sets or clears (empty string) an entry's title. */
  renameEntry: method(v.strictObject({ ...journalRef, path: text('path', 300), title: text('title', 200, true) })).returns<EntryDto>(),
  /** An entry's transcript, sentence by sentence with word times; null when it has none (or none that reads). */
  getTranscript: method(v.strictObject({ ...journalRef, path: text('path', 300), version: optional(version('version')) })).returns<TranscriptDto | null>(),
  /**
   * Writes an entry's transcript as corrected in the window (words and sentences edited, their
   * times kept): a new version of the journal, shown in its history. Own journals only.
   */
  saveTranscript: method(v.strictObject({ ...journalRef, path: text('path', 300), sentences: TranscriptSentencesSchema })).returns<TranscriptDto>(),
  /**
   * Titles and transcripts of a journal (at `version` when one is open) matching every word of
   * `query`, the last word as a prefix: best first, at most `limit` (default 50), each with the
   * words matched, where the first matching word is said, and a snippet around it.
   */
  searchJournal: method(
    v.strictObject({
      ...journalRef,
      version: optional(version('version')),
      query: text('query', 200, true),
      limit: optional(v.pipe(v.number('limit must be a number'), v.integer('limit must be a whole number'), v.minValue(1, 'limit must be from 1 to 200'), v.maxValue(200, 'limit must be from 1 to 200')))
    })
  ).returns<SearchResults>(),

  /** Every journal in the library: own, followed and forks. Also pushed as the `library` event. */
  listLibrary: method(noArgs).returns<LibraryItem[]>(),
  /**
   * Adds (or finds) a journal by z-base-32 key, hex key or hyper:// link, joins its swarm and
   * returns at once; a key nobody serves yet is "looking for peers". A link's `+N` comes back as
   * `version` so the window can open that version. Anything else: bad-request with KEY_HELP.
   */
  addToLibrary: method(v.strictObject({ link: text('link', 500) })).returns<{ item: LibraryItem; version?: number }>(),
  /** Creates a new, empty journal of my own: private (encrypted, only its link can read it) unless `private` is false. */
  createJournal: method(v.strictObject({ name: text('name', 100, true), private: optional(flag('private')) })).returns<LibraryItem>(),
  /**
   * Removes a journal from the library and stops serving it. A writable journal is only removed
   * with `confirmWritable: true` (the window asks twice); the active journal cannot be removed.
   */
  removeFromLibrary: method(v.strictObject({ ...namedJournal, confirmWritable: optional(flag('confirmWritable')) })).returns<void>(),
  /** Makes a writable journal the one new calls and imports go to. */
  setActiveJournal: method(v.strictObject(namedJournal)).returns<LibraryItem>(),
  /** Seeding switch: 'seeding' downloads every version's blocks and keeps serving; 'paused' stops downloading. */
  setSeeding: method(
    v.strictObject({ ...namedJournal, state: v.picklist(['seeding', 'paused', 'off'] as const satisfies readonly SeedingState[], 'state must be "seeding", "paused" or "off"') })
  ).returns<LibraryItem>(),
  /**
   * Copies a journal (at `version`, default current) into a new writable journal with a provenance
   * record. `private` (default: as the source is) makes the copy private: "Make a private copy".
   */
  forkJournal: method(
    v.strictObject({
      ...namedJournal,
      version: optional(version('version')),
      name: optional(text('name', 100, true)),
      makeActive: optional(flag('makeActive')),
      private: optional(flag('private'))
    })
  ).returns<LibraryItem>(),

  /**
   * Makes a journal I write (`journal`, default: the active one) collect every entry of the journal
   * `from` names (key or link; added to the library when it is not there): each entry not collected
   * yet is copied in once, with its recording time, in the background whenever both can be
   * reached, after restarts too. Deleting at the source deletes nothing here. A private journal
   * needs its private link ('private' otherwise). Returns the destination; its `collecting` says
   * what it collects from, how many entries came in and what failed.
   */
  collectFrom: method(v.strictObject({ ...journalRef, from: text('from', 500) })).returns<LibraryItem>(),
  /** Stops `journal` (default: the active one) collecting from `from`; what came in stays. */
  stopCollecting: method(v.strictObject({ ...journalRef, from: text('from', 500) })).returns<LibraryItem>(),

  /**
   * "This is the latest copy": a journal restored from a backup writes again without a peer having
   * confirmed it caught up. The window asks only after warning that a newer copy elsewhere would
   * fork the journal's history.
   */
  confirmLatestCopy: method(v.strictObject(namedJournal)).returns<LibraryItem>(),
  /**
   * Seals what it takes to write every own journal again (never the audio) into one file with the
   * passphrase. The desktop app asks where; headless it goes to the data directory's backups/
   * folder. Resolves to where it went, or null when the save dialog was cancelled.
   */
  backUpJournals: method(v.strictObject({ passphrase: text('passphrase', 1000) })).returns<{ file: string | null }>(),

  /**
   * Whether the DHT answers, whether others can reach this computer (firewall, NAT kind), the
   * address peers see, and per journal its connections: how each was made, bytes each way; with
   * a one-line diagnosis. Read afresh at every call (the window polls it while Settings is open).
   */
  getNetwork: method(noArgs).returns<NetworkStatus>(),

  /** Settings with secrets redacted, and the webhook URLs to paste into Vonage. */
  getSettings: method(noArgs).returns<SettingsDto>(),
  /** Validates and saves; a refused value comes back with its field, and nothing is saved. */
  saveSettings: method(SettingsUpdateSchema).returns<SettingsDto>(),
  /** Opens the folder holding the log in the system's file manager (the desktop app only; unavailable headless). */
  openLogsFolder: method(noArgs).returns<void>(),
  /** Writes the answer and event URLs into the Vonage application (Applications API: read, change, write back). */
  configureVonageApplication: method(v.strictObject({ apiKey: text('apiKey', 100), apiSecret: text('apiSecret', 200) })).returns<{
    answerUrl: string
    eventUrl: string
  }>(),
  /** Live calls and recordings still to download. Also pushed as the `intake` event. */
  getIntakeStatus: method(noArgs).returns<IntakeStatus>(),
  /** Tries a failed download again now. */
  retryDownload: method(v.strictObject({ recordingUuid: text('recordingUuid', 100) })).returns<void>(),
  /** The private call log, newest first. */
  listCalls: method(noArgs).returns<CallDto[]>(),
  /** The call log as CSV text (the window saves it as a file). */
  exportCallsCsv: method(noArgs).returns<{ fileName: string; csv: string }>(),
  /** Places a call from the built-in Vonage simulator to this app, through the real webhooks. */
  simulateCall: method(allOptional({ mode: optional(v.picklist(INTAKE_MODES, 'mode must be "record", "stream" or "hotline"')) })).returns<{ callUuid: string }>(),

  /**
   * Telling the team: per destination (Slack, the signed webhook) whether it has an address, when
   * a message was last acknowledged, and the messages still pending or failed. Also pushed as the
   * `notifications` event.
   */
  getNotifications: method(noArgs).returns<NotificationsStatus>(),
  /**
   * Sends a test message through the outbox to every destination with a saved address and says
   * what each first attempt found (within about 12 s). No address saved: 'unavailable'.
   */
  sendTestNotification: method(noArgs).returns<TestNotificationResult>(),
  /** Sends a failed (or waiting) message again now, with a fresh set of attempts. */
  retryNotification: method(v.strictObject({ id: text('id', 100) })).returns<void>()
}

export type ApiMethod = keyof typeof API
/** A method's argument as the window sends it. */
export type ApiArgs<M extends ApiMethod> = v.InferInput<(typeof API)[M]['args']>
/** A method's argument once checked (what a handler receives). */
export type ApiCheckedArgs<M extends ApiMethod> = v.InferOutput<(typeof API)[M]['args']>
export type ApiResult<M extends ApiMethod> = Exclude<(typeof API)[M]['result'], undefined>

/** The contract as the window calls it (methods whose arguments are all optional may be called without). */
export type VoiceJournalApi = {
  [M in ApiMethod]: undefined extends ApiArgs<M> ? (args?: ApiArgs<M>) => Promise<ApiResult<M>> : (args: ApiArgs<M>) => Promise<ApiResult<M>>
}
/** The contract as the services implement it: each handler gets its argument already checked. */
export type ApiHandlers = { [M in ApiMethod]: (args: ApiCheckedArgs<M>) => Promise<ApiResult<M>> }

export const API_METHODS = Object.keys(API) as ApiMethod[]

/** Events the services push to the window (the type, and below the names, both from this one map). */
const event = <P>(): P | undefined => undefined
const EVENTS = {
  /** A journal's status changed (a peer came or went, the version moved); `key` says which. */
  status: event<JournalStatus>(),
  /** The library changed: a journal added or removed, the active one, seeding progress, peers. */
  library: event<LibraryItem[]>(),
  /** Blocks of a journal's entries arrived (blocksDownloaded moved); refetch its entries. */
  blocks: event<{ journal: string }>(),
  /** Something outside the window (a hyper:// link, the tray) asks it to show this journal. */
  open: event<{ journal: string; version?: number }>(),
  /** A call started, advanced or ended; a download changed state. */
  intake: event<IntakeStatus>(),
  /** The call log changed. */
  calls: event<{ count: number }>(),
  /** A message to the team was queued, attempted, delivered or gave up (coalesced). */
  notifications: event<NotificationsStatus>()
}
export type ApiEvents = { [E in keyof typeof EVENTS]: Exclude<(typeof EVENTS)[E], undefined> }
export type ApiEventName = keyof ApiEvents
export const API_EVENTS = Object.keys(EVENTS) as ApiEventName[]

/** Chunk size for imports: big enough to keep calls few, small enough for steady progress. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024
/** Largest file an import accepts (a 2-hour WAV at 16 kHz is ~230 MB). */
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024
/** Largest recording made in the window: Opus at a browser's 128 kbit/s fills it in about nine hours. */
export const RECORDING_MAX_BYTES = 512 * 1024 * 1024
/** How often the window sends what it recorded: what a closed window can lose at most. */
export const RECORDING_TIMESLICE_MS = 1000

/** The renderer-side shape: the contract plus event subscription. */
export interface ApiClient extends VoiceJournalApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
  /** URL the shared <audio> element plays for an entry of a journal (range requests supported). */
  audioUrl(journal: string, path: string, version?: number): string
}

/**
 * Errors cross both transports as `{ error: { code, message, field? } }` and are rethrown as
 * ApiError. `field` names the argument (for saveSettings: the setting) a refusal is about, taken
 * from the validation issue's path, so the window can show the message at that input.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string
  ) {
    super(message)
    this.name = 'ApiError'
  }
}
export type ApiErrorCode =
  | 'bad-request'
  /** A private journal held here without its read key: it can be kept online, not read. */
  | 'private'
  | 'not-found'
  | 'not-audio'
  | 'too-large'
  | 'read-only'
  | 'unavailable'
  | 'needs-confirmation'
  | 'internal'
