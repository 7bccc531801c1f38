import type { ApiArgs, ApiMethod, ApiResult, VoiceJournalApi } from '#shared/api'

export type CallFn = <M extends ApiMethod>(method: M, args: ApiArgs<M>) => Promise<ApiResult<M>>

/** Both transports differ only in how one call travels; the method table is the same. */
export function buildApi(call: CallFn): VoiceJournalApi {
  return {
    getJournal: (args) => call('getJournal', args),
    getStatus: (args) => call('getStatus', args),
    listEntries: (args) => call('listEntries', args),
    getHistory: (args) => call('getHistory', args),
    compareVersions: (args) => call('compareVersions', args),
    beginImport: (args) => call('beginImport', args),
    appendImport: (args) => call('appendImport', args),
    finishImport: (args) => call('finishImport', args),
    cancelImport: (args) => call('cancelImport', args),
    deleteEntry: (args) => call('deleteEntry', args),
    renameEntry: (args) => call('renameEntry', args),
    listLibrary: () => call('listLibrary', undefined),
    addToLibrary: (args) => call('addToLibrary', args),
    createJournal: (args) => call('createJournal', args),
    removeFromLibrary: (args) => call('removeFromLibrary', args),
    setActiveJournal: (args) => call('setActiveJournal', args),
    setSeeding: (args) => call('setSeeding', args),
    forkJournal: (args) => call('forkJournal', args),
    getSettings: () => call('getSettings', undefined),
    saveSettings: (args) => call('saveSettings', args),
    configureVonageApplication: (args) => call('configureVonageApplication', args),
    getIntakeStatus: () => call('getIntakeStatus', undefined),
    retryDownload: (args) => call('retryDownload', args),
    listCalls: () => call('listCalls', undefined),
    exportCallsCsv: () => call('exportCallsCsv', undefined),
    simulateCall: (args) => call('simulateCall', args)
  }
}
