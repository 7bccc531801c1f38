import type { VoiceJournalApi } from '#shared/api'
import { ApiError, IMPORT_CHUNK_BYTES } from '#shared/api'
import type { SettingsStore } from '../app/settings'
import type { IntakeService } from '../intake/intake-service'
import { configureVonageApplication } from '../intake/vonage-application'
import type { AudioImporter } from '../journal/audio-import'
import type { Journal } from '../journal/journal'

export interface HandlerContext {
  /** The journal the window shows and imports go to. */
  activeJournal(): Journal
  importer: AudioImporter
  settings: SettingsStore
  intake: IntakeService
}

/**
 * The contract's implementation. Arguments come from the renderer (or, headless, from anything
 * holding the token) and are checked here, once, for both transports.
 */
export function createApiHandlers(context: HandlerContext): VoiceJournalApi {
  const journal = (): Journal => context.activeJournal()
  return {
    getJournal: async () => journal().info(),
    getStatus: async () => journal().status(),
    listEntries: async (args) => journal().listEntries(optionalVersion(args?.version)),
    getHistory: async (args) =>
      journal().history({ limit: optionalInteger(args?.limit, 'limit', 1, 1000) ?? 200, before: optionalVersion(args?.before) }),
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
      return context.importer.finish(requireString(args?.importId, 'importId', 100), journal(), title)
    },
    cancelImport: async (args) => context.importer.cancel(requireString(args?.importId, 'importId', 100)),
    deleteEntry: async (args) => journal().deleteEntry(requireString(args?.path, 'path', 300)),
    renameEntry: async (args) =>
      journal().renameEntry(requireString(args?.path, 'path', 300), requireString(args?.title, 'title', 200, true)),

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
