import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EntryDto, JournalInfo, JournalStatus } from '#shared/dto'
import { useApi } from '../api/current'
import { useHistoryStore } from './history'
import { useNoticeStore } from './notices'

/** Status events arrive in bursts while an import or a sync lands; one refetch per burst is enough. */
const REFRESH_DEBOUNCE_MS = 150

/** The journal the window shows: its identity, live status and current entries. */
export const useJournalStore = defineStore('journal', () => {
  const info = ref<JournalInfo | null>(null)
  const status = ref<JournalStatus | null>(null)
  // 10,000 entries must not each become a reactive proxy; the list is replaced, never mutated.
  const entries = shallowRef<EntryDto[]>([])
  const entriesLoaded = ref(false)
  const writable = computed(() => info.value?.writable ?? false)

  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  let entriesGeneration = 0
  let started = false

  async function start(): Promise<void> {
    if (started) return
    started = true
    useApi().on('status', applyStatus)
    await Promise.all([loadInfo(), loadStatus(), loadEntries(), useHistoryStore().refresh()])
  }

  function applyStatus(next: JournalStatus): void {
    const versionMoved = status.value?.version !== next.version
    status.value = next
    // Peers coming and going change nothing in the list.
    if (versionMoved) refreshSoon()
  }

  function refreshSoon(): void {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      void loadEntries()
      void useHistoryStore().refresh()
    }, REFRESH_DEBOUNCE_MS)
  }

  async function loadInfo(): Promise<void> {
    try {
      info.value = await useApi().getJournal()
    } catch (err) {
      useNoticeStore().report(err, 'Could not open the journal')
    }
  }

  async function loadStatus(): Promise<void> {
    try {
      const next = await useApi().getStatus()
      // An event may have delivered a newer status while this call was in flight.
      if (!status.value || next.version >= status.value.version) status.value = next
    } catch (err) {
      useNoticeStore().report(err, 'Could not read the journal status')
    }
  }

  async function loadEntries(): Promise<void> {
    const mine = ++entriesGeneration
    try {
      const list = await useApi().listEntries({})
      if (mine !== entriesGeneration) return
      entries.value = list
      entriesLoaded.value = true
    } catch (err) {
      useNoticeStore().report(err, 'Could not load the entries')
    }
  }

  function replaceEntry(path: string, update: (entry: EntryDto) => EntryDto | null): void {
    // Any fetch in flight predates this edit; its answer must not undo it.
    entriesGeneration++
    entries.value = entries.value.flatMap((e) => {
      if (e.path !== path) return [e]
      const next = update(e)
      return next ? [next] : []
    })
  }

  async function renameEntry(path: string, title: string): Promise<void> {
    const before = entries.value.find((e) => e.path === path)
    if (!before || (before.title ?? '') === title) return
    replaceEntry(path, (e) => ({ ...e, title: title || undefined }))
    try {
      const updated = await useApi().renameEntry({ path, title })
      replaceEntry(path, () => updated)
    } catch (err) {
      replaceEntry(path, () => before)
      useNoticeStore().report(err, 'Could not rename the entry')
    }
    refreshSoon()
  }

  async function deleteEntry(path: string): Promise<boolean> {
    try {
      await useApi().deleteEntry({ path })
      replaceEntry(path, () => null)
      return true
    } catch (err) {
      useNoticeStore().report(err, 'Could not delete the entry')
      return false
    } finally {
      refreshSoon()
    }
  }

  return {
    info,
    status,
    entries,
    entriesLoaded,
    writable,
    start,
    refreshSoon,
    renameEntry,
    deleteEntry
  }
})
