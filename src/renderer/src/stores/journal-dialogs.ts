import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import { useJournalStore } from './journal'

/** A dialog about a journal, opened from its header, its history or the library. */
export type JournalDialog =
  | { kind: 'fork'; journal: string; journalName: string; latestVersion: number; version: number | null }
  | { kind: 'remove'; journal: string; journalName: string; writable: boolean }
  | { kind: 'new-journal' }

/** Which journal dialog is open; at most one, so opening another replaces it. */
export const useJournalDialogsStore = defineStore('journal-dialogs', () => {
  const open = shallowRef<JournalDialog | null>(null)
  /** Focus returns here when the dialog closes, as after any modal. */
  let opener: HTMLElement | null = null

  function show(dialog: JournalDialog): void {
    opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    open.value = dialog
  }

  function close(): void {
    open.value = null
    const back = opener
    opener = null
    // The opener may be gone (a removed journal's row); then focus stays where the browser puts it.
    if (back?.isConnected) queueMicrotask(() => back.focus())
  }

  /** Fork the shown journal: at `version` (a history row), else the version being browsed, else the latest. */
  function fork(version?: number): void {
    const journal = useJournalStore()
    const info = journal.info
    if (!info || !journal.status) return
    show({
      kind: 'fork',
      journal: info.key,
      journalName: info.name,
      latestVersion: journal.status.version,
      version: version ?? journal.viewedVersion
    })
  }

  function remove(): void {
    const info = useJournalStore().info
    if (info) show({ kind: 'remove', journal: info.key, journalName: info.name, writable: info.writable })
  }

  return { open, show, close, fork, remove }
})
