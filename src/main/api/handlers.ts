import { ApiError, IMPORT_CHUNK_BYTES, type ApiHandlers } from '#shared/api'
import type { NetworkStatus } from '#shared/dto'
import { dirname } from 'node:path'
import { currentLogFile } from '../app/logging'
import type { SettingsStore } from '../app/settings'
import type { IntakeService } from '../intake/intake-service'
import { configureVonageApplication } from '../intake/vonage-application'
import type { AudioImporter } from '../journal/audio-import'
import type { MicrophoneRecordings } from '../journal/microphone-recordings'
import type { Journal } from '../journal/journal'
import type { Library } from '../library/library'
import type { JournalBackups } from '../identity/journal-backups'
import type { RestoredJournalGates } from '../identity/restored-journal-gates'
import type { Publisher } from '../publish/publisher'
import type { Notifier } from '../notify/notifier'
import { flattenTranscript } from '../journal/transcript-file'
import type { SearchService } from '../search/search-service'

export interface HandlerContext {
  /** Every journal the window can show; imports go to its active one. */
  library: Library
  importer: AudioImporter
  /** Recordings made in the window; they share the import calls after `beginRecording`. */
  recordings: MicrophoneRecordings
  settings: SettingsStore
  intake: IntakeService
  /** Messages to the team and their outbox. */
  notifier: Notifier
  /** Restored journals catching up with their peers, and the backup they came from. */
  restored: RestoredJournalGates
  backups: JournalBackups
  /** Where the host publishes its journals; absent, nothing is published. */
  publisher?: Publisher
  /** The journals' search indexes. */
  search: SearchService
  /** The Network section's reading: the swarm's DHT and connections, over the library's journals. */
  network: () => NetworkStatus
  /** Shows a folder in the system's file manager; only the desktop app can (see AppOptions.openFolder). */
  openFolder?: (path: string) => Promise<void>
}

/**
 * The contract's implementation. Every argument has been checked against the contract's schema
 * (src/shared/api.ts) by `invokeApi` before a handler runs, for both transports; what is left
 * here is what only the services know (a journal in the library, a version that exists, …).
 */
export function createApiHandlers(context: HandlerContext): ApiHandlers {
  const { library } = context
  /** The journal an argument names, or the active one when it names none. */
  const journal = (args: { journal?: string | undefined }): Journal => library.journal(args.journal)
  const { search } = context
  return {
    // A journal held without being readable (private, or not found yet) answers the window's
    // reads with its header and status and nothing else.
    getJournal: async (args) => {
      const info = library.heldView(args.journal)?.info ?? (await library.info(journal(args)))
      const published = context.publisher?.urlsOf(info.key)
      return published ? { ...info, published } : info
    },
    getStatus: async (args) => library.heldView(args.journal)?.status ?? journal(args).status(),
    listEntries: async (args) => {
      if (library.heldView(args.journal)) return []
      const entries = await journal(args).listEntries(args.version)
      return args.first === undefined ? entries : entries.slice(0, args.first)
    },
    getHistory: async (args) =>
      library.heldView(args.journal) ? { items: [], nextBefore: null } : journal(args).history({ limit: args.limit ?? 200, before: args.before }),
    compareVersions: async (args) => journal(args).compareVersions(args.from, args.to),
    beginImport: async (args) => ({ importId: await context.importer.begin(args.fileName, args.size) }),
    appendImport: async (args) => {
      // A limit, not a shape: the window is told the chunk is too large rather than malformed.
      if (args.chunk.byteLength > IMPORT_CHUNK_BYTES) throw new ApiError('too-large', `A chunk holds at most ${IMPORT_CHUNK_BYTES} bytes`, 'chunk')
      if (context.recordings.has(args.importId)) return { received: await context.recordings.append(args.importId, args.chunk) }
      return { received: await context.importer.append(args.importId, args.chunk) }
    },
    finishImport: async (args) =>
      context.recordings.has(args.importId) ? context.recordings.finish(args.importId, { title: args.title }) : context.importer.finish(args.importId, library.active, args.title),
    cancelImport: async (args) => (context.recordings.has(args.importId) ? context.recordings.cancel(args.importId) : context.importer.cancel(args.importId)),
    beginRecording: async () => {
      // Refused at the start rather than after the person has spoken for ten minutes.
      if (!library.active.writable) throw new ApiError('read-only', 'The active journal cannot be written to.')
      return { importId: await context.recordings.begin(), keepAliveMs: context.recordings.keepAliveMs }
    },
    keepRecording: async (args) => context.recordings.keep(args.importId),
    deleteEntry: async (args) => journal(args).deleteEntry(args.path, { erase: args.erase === true }),
    renameEntry: async (args) => journal(args).renameEntry(args.path, args.title),
    getTranscript: async (args) => {
      if (library.heldView(args.journal)) return null
      const transcript = await journal(args).getTranscript(args.path, args.version)
      return transcript ? flattenTranscript(transcript) : null
    },
    saveTranscript: async (args) => {
      const target = journal(args)
      await target.saveTranscript(args.path, args.sentences)
      const saved = await target.getTranscript(args.path)
      if (!saved) throw new ApiError('internal', 'The corrected transcript could not be read back.')
      return flattenTranscript(saved)
    },
    searchJournal: async (args) => {
      if (library.heldView(args.journal)) return { query: args.query, hits: [], total: 0, unindexed: 0 }
      return search.search(journal(args), args.query, { version: args.version, ...(args.limit === undefined ? {} : { limit: args.limit }) })
    },

    listLibrary: async () => library.items(),
    addToLibrary: async (args) => library.add(args.link),
    createJournal: async (args) => library.create(args.name, args.private === undefined ? {} : { private: args.private }),
    // These two also take a journal held without being readable (hosted, or not found yet).
    removeFromLibrary: async (args) => library.remove(args.journal, args.confirmWritable === true),
    setActiveJournal: async (args) => library.setActive(journal(args).id),
    setSeeding: async (args) => library.setSeeding(args.journal, args.state),
    forkJournal: async (args) =>
      library.fork(args.journal, {
        ...(args.version === undefined ? {} : { version: args.version }),
        ...(args.name === undefined ? {} : { name: args.name }),
        ...(args.private === undefined ? {} : { private: args.private }),
        makeActive: args.makeActive === true
      }),
    collectFrom: async (args) => library.collectFrom(args.from, args.journal),
    stopCollecting: async (args) => library.stopCollecting(args.from, args.journal),

    confirmLatestCopy: async (args) => {
      await context.restored.confirmLatestCopy(journal(args))
      return library.item(journal(args).id)
    },
    backUpJournals: async (args) => context.backups.backUp(args.passphrase),

    getNetwork: async () => context.network(),
    getSettings: async () => context.settings.toDto(),
    saveSettings: async (args) => {
      await context.settings.update(args)
      return context.settings.toDto()
    },
    openLogsFolder: async () => {
      const file = currentLogFile()
      if (!file) throw new ApiError('unavailable', 'This app is not writing a log file.')
      if (!context.openFolder) throw new ApiError('unavailable', `Only the desktop app can open folders. The log is at ${file}`)
      await context.openFolder(dirname(file))
    },
    configureVonageApplication: async (args) => configureVonageApplication(context.settings.value, args.apiKey, args.apiSecret),
    getIntakeStatus: async () => context.intake.status(),
    retryDownload: async (args) => {
      // A recording and its transcript share the uuid: whichever is waiting is tried again.
      const retried = [context.intake.recordings.retry(args.recordingUuid), context.intake.transcripts.retry(args.recordingUuid)]
      if (!retried.includes(true)) {
        throw new ApiError('not-found', 'That recording is not waiting to be downloaded.')
      }
    },
    listCalls: async () => context.intake.callLog.list(),
    exportCallsCsv: async () => ({
      fileName: `voice-journal-calls-${new Date().toISOString().slice(0, 10)}.csv`,
      csv: context.intake.callLog.toCsv()
    }),
    simulateCall: async (args) => {
      const mode = args.mode ?? context.settings.value.mode
      try {
        return { callUuid: await context.intake.simulateCall(mode) }
      } catch (error) {
        throw new ApiError('unavailable', (error as Error).message)
      }
    },
    getNotifications: async () => context.notifier.status(),
    sendTestNotification: async () => {
      const result = await context.notifier.sendTest()
      if (result.results.length === 0) throw new ApiError('unavailable', 'Save a Slack webhook URL or a webhook URL first: there is nowhere to send the test message.')
      return result
    },
    retryNotification: async (args) => {
      if (!context.notifier.retry(args.id)) throw new ApiError('not-found', 'That message is not waiting to be sent.')
    }
  }
}
