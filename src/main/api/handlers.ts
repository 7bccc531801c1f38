import type { VoiceJournalApi } from '#shared/api'
import { ApiError, IMPORT_CHUNK_BYTES } from '#shared/api'
import type { SettingsStore } from '../app/settings'
import type { IntakeService } from '../intake/intake-service'
import { configureVonageApplication } from '../intake/vonage-application'
import type { SeedingState } from '#shared/dto'
import type { AudioImporter } from '../journal/audio-import'
import type { Journal } from '../journal/journal'
import type { Library } from '../library/library'

export interface HandlerContext {
  /** Every journal the window can show; imports go to its active one. */
  library: Library
  importer: AudioImporter
  settings: SettingsStore
  intake: IntakeService
}

/**
 * The contract's implementation. Arguments come from the renderer (or, headless, from anything
 * holding the token) and are checked here, once, for both transports.
 */
export function createApiHandlers(context: HandlerContext): VoiceJournalApi {
  const { library } = context
  /** The journal an argument names (checked as a key), or the active one when it names none. */
  const journal = (args?: { journal?: unknown }): Journal =>
    library.journal(args?.journal === undefined ? undefined : requireString(args.journal, 'journal', 200))
  return {
    getJournal: async (args) => library.info(journal(args)),
    getStatus: async (args) => journal(args).status(),
    listEntries: async (args) => journal(args).listEntries(optionalVersion(args?.version)),
    getHistory: async (args) =>
      journal(args).history({ limit: optionalInteger(args?.limit, 'limit', 1, 1000) ?? 200, before: optionalVersion(args?.before) }),
    compareVersions: async (args) => {
      const from = optionalVersion(args?.from)
      if (from === undefined) throw new ApiError('bad-request', 'from must be a version number')
      return journal(args).compareVersions(from, optionalVersion(args?.to))
    },
    beginImport: async (args) => ({
      importId: await context.importer.begin(requireString(args?.fileName, 'fileName', 500), requireInteger(args?.size, 'size'))
    }),
    appendImport: async (args) => {
      if (!(args?.chunk instanceof Uint8Array)) throw new ApiError('bad-request', 'chunk must be bytes')
      if (args.chunk.byteLength > IMPORT_CHUNK_BYTES) throw new ApiError('too-large', `A chunk holds at most ${IMPORT_CHUNK_BYTES} bytes`)
      return { received: await context.importer.append(requireString(args.importId, 'importId', 100), args.chunk) }
    },
    finishImport: async (args) => {
      const title = args?.title === undefined ? undefined : requireString(args.title, 'title', 200, true)
      return context.importer.finish(requireString(args?.importId, 'importId', 100), library.active, title)
    },
    cancelImport: async (args) => context.importer.cancel(requireString(args?.importId, 'importId', 100)),
    deleteEntry: async (args) => journal(args).deleteEntry(requireString(args?.path, 'path', 300)),
    renameEntry: async (args) =>
      journal(args).renameEntry(requireString(args?.path, 'path', 300), requireString(args?.title, 'title', 200, true)),

    listLibrary: async () => library.items(),
    addToLibrary: async (args) => library.add(requireString(args?.link, 'link', 500)),
    createJournal: async (args) => library.create(requireString(args?.name, 'name', 100, true)),
    removeFromLibrary: async (args) => {
      if (args?.confirmWritable !== undefined && typeof args.confirmWritable !== 'boolean') {
        throw new ApiError('bad-request', 'confirmWritable must be true or false')
      }
      await library.remove(journal(requireRef(args)).id, args?.confirmWritable === true)
    },
    setActiveJournal: async (args) => library.setActive(journal(requireRef(args)).id),
    setSeeding: async (args) => {
      if (!SEEDING_STATES.includes(args?.state as SeedingState)) throw new ApiError('bad-request', 'state must be "seeding", "paused" or "off"')
      return library.setSeeding(journal(requireRef(args)).id, args.state)
    },
    forkJournal: async (args) => {
      if (args?.makeActive !== undefined && typeof args.makeActive !== 'boolean') throw new ApiError('bad-request', 'makeActive must be true or false')
      const name = args?.name === undefined ? undefined : requireString(args.name, 'name', 100, true)
      return library.fork(journal(requireRef(args)).id, {
        ...(args?.version === undefined ? {} : { version: optionalVersion(args.version) }),
        ...(name === undefined ? {} : { name }),
        makeActive: args?.makeActive === true
      })
    },

    getSettings: async () => context.settings.toDto(),
    saveSettings: async (args) => {
      // Shapes are checked here; values (URLs, keys, ranges) by the settings store, which names the field.
      const update = (args ?? {}) as Record<string, unknown>
      for (const key of ['applicationId', 'privateKey', 'signatureSecret', 'publicUrl', 'apiHost', 'mode', 'greeting', 'endOnKey'] as const) {
        if (update[key] !== undefined) requireString(update[key], key, key === 'privateKey' ? 10_000 : 1500, true)
      }
      if (update.maxSeconds !== undefined) requireInteger(update.maxSeconds, 'maxSeconds')
      for (const key of ['allowedCallers', 'bootstrap'] as const) {
        const list = update[key]
        if (list !== undefined && (!Array.isArray(list) || list.length > 1000 || list.some((item) => typeof item !== 'string' || item.length > 300))) {
          throw new ApiError('bad-request', `${key} must be a list of strings`)
        }
      }
      await context.settings.update(args ?? {})
      return context.settings.toDto()
    },
    configureVonageApplication: async (args) =>
      configureVonageApplication(context.settings.value, requireString(args?.apiKey, 'apiKey', 100), requireString(args?.apiSecret, 'apiSecret', 200)),
    getIntakeStatus: async () => context.intake.status(),
    retryDownload: async (args) => {
      if (!context.intake.recordings.retry(requireString(args?.recordingUuid, 'recordingUuid', 100))) {
        throw new ApiError('not-found', 'That recording is not waiting to be downloaded.')
      }
    },
    listCalls: async () => context.intake.callLog.list(),
    exportCallsCsv: async () => ({
      fileName: `voice-journal-calls-${new Date().toISOString().slice(0, 10)}.csv`,
      csv: context.intake.callLog.toCsv()
    }),
    simulateCall: async (args) => {
      const mode = args?.mode ?? context.settings.value.mode
      if (mode !== 'record' && mode !== 'stream') throw new ApiError('bad-request', 'mode must be "record" or "stream"')
      try {
        return { callUuid: await context.intake.simulateCall(mode) }
      } catch (error) {
        throw new ApiError('unavailable', (error as Error).message)
      }
    }
  }
}

const SEEDING_STATES: readonly SeedingState[] = ['seeding', 'paused', 'off']

/** Methods that change a library entry must name it; they never fall back to the active journal. */
function requireRef<T extends { journal?: unknown }>(args: T | undefined): T {
  requireString(args?.journal, 'journal', 200)
  return args as T
}

function requireString(value: unknown, name: string, maxLength: number, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.length === 0) || value.length > maxLength) {
    throw new ApiError('bad-request', `${name} must be a${allowEmpty ? '' : ' non-empty'} string of at most ${maxLength} characters`)
  }
  return value
}

function requireInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ApiError('bad-request', `${name} must be a whole number`)
  return value
}

function optionalInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined
  const number = requireInteger(value, name)
  if (number < min || number > max) throw new ApiError('bad-request', `${name} must be from ${min} to ${max}`)
  return number
}

function optionalVersion(value: unknown): number | undefined {
  return optionalInteger(value, 'version', 1, Number.MAX_SAFE_INTEGER)
}
