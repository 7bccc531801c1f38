import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { EntryDto, JournalInfo, JournalStatus, LibraryItem } from '#shared/dto'
import { useApi } from '../api/current'
import { useHistoryStore } from './history'
import { useLibraryStore } from './library'
import { useNavigationStore } from './navigation'
import { useNoticeStore } from './notices'
import { takeActiveJournalAnswers } from '../api/early-answers'
import { afterNextPaint } from '../timing/after-paint'

/** Status events arrive in bursts while an import or a sync lands; one refetch per burst is enough. */
const REFRESH_DEBOUNCE_MS = 150
/** Block events come with every downloaded block; a remote entry's progress needs no finer steps. */
const BLOCKS_DEBOUNCE_MS = 300

/**
 * The journal the window shows — the active one at start, any journal of the library after a
 * pick — and, when one is open, the older version of it being browsed (read-only).
 */
/** Whether a list is the one a status describes: the same number of entries and bytes. */
function sameListing(status: JournalStatus, entries: EntryDto[]): boolean {
  return status.entries === entries.length && status.size === entries.reduce((sum, entry) => sum + entry.size, 0)
}

export const useJournalStore = defineStore('journal', () => {
  /** z-base-32 key of the journal shown; null until the active journal's key is known. */
  const shownKey = ref<string | null>(null)
  /** The version being browsed, or null for the live journal. */
  const viewedVersion = ref<number | null>(null)
  const fetchedInfo = ref<JournalInfo | null>(null)
  const status = ref<JournalStatus | null>(null)
  // 10,000 entries must not each become a reactive proxy; the list is replaced, never mutated.
  const entries = shallowRef<EntryDto[]>([])
  const entriesLoaded = ref(false)
  /** Whether `entries` is only the newest part of the list while the whole of it is on its way. */
  const entriesPartial = ref(false)
  /** How many entries the journal shown has: the status knows while the list is partial. */
  const entryCount = computed(() => (entriesPartial.value && status.value ? status.value.entries : entries.value.length))

  /** getJournal's answer, kept current by the library (name, active, seeding change there). */
  const info = computed<JournalInfo | null>(() => {
    const base = fetchedInfo.value
    if (!base) return null
    const item = useLibraryStore().byKey(base.key)
    return item
      ? { ...base, name: item.name, kind: item.kind, private: item.private, active: item.active, writable: item.writable, provenance: item.provenance }
      : base
  })
  const viewingVersion = computed(() => viewedVersion.value !== null)
  /** Whether this window may change what it shows: a writable journal, at its latest version. */
  const writable = computed(() => (info.value?.writable ?? false) && !viewingVersion.value)
  const isActive = computed(() => info.value?.active ?? false)

  let refreshTimer: ReturnType<typeof setTimeout> | undefined
  let blocksTimer: ReturnType<typeof setTimeout> | undefined
  let entriesGeneration = 0
  let started = false
  /** The shown journal could not be read when it was shown (added by key alone, not found yet). */
  let shownUnreadable = false

  // Synchronous, so the shown journal reacts in the same tick as the list (one removed elsewhere,
  // a version that moved while the socket was down); the library store does not know this one.
  watch(() => useLibraryStore().items, libraryChanged, { flush: 'sync' })

  async function start(): Promise<void> {
    if (started) return
    started = true
    useApi().on('status', applyStatus)
    useApi().on('blocks', ({ journal }) => {
      if (journal === shownKey.value) entriesSoon()
    })
    useApi().on('open', ({ journal, version }) => {
      useNavigationStore().go('journal')
      void show(journal, version)
    })
    await Promise.all([useLibraryStore().start(), showActive({ unlessShowing: true })])
  }

  /**
   * Shows the active journal (at start, and when the shown one leaves the library). At start, a
   * link the app was opened with may already have chosen the journal: that choice stands.
   */
  async function showActive({ unlessShowing = false } = {}): Promise<void> {
    try {
      // The active journal's status names it, and its list needs no name: both are asked for at
      // once, so they are on their way while the page is still being built.
      const early = takeActiveJournalAnswers()
      const [active, list] = await Promise.all([early?.status ?? useApi().getStatus({}), early?.entries ?? useApi().listEntries({})])
      if (unlessShowing && shownKey.value !== null) return
      await show(active.key, undefined, { status: active, entries: list })
    } catch (err) {
      useNoticeStore().report(err, 'Could not open the journal')
    }
  }

  /**
   * Shows a journal of the library, at `version` (read-only) or live. Its entries come first; its
   * history after them, since both are worked out by the same services and the list is what the
   * window is opened for. `known` is the journal's status and list when the caller has them.
   */
  async function show(key: string, version?: number, known?: { status: JournalStatus; entries: EntryDto[] }): Promise<void> {
    const nextVersion = version ?? null
    if (key === shownKey.value && nextVersion === viewedVersion.value) return
    const otherJournal = key !== shownKey.value
    shownKey.value = key
    shownUnreadable = useLibraryStore().byKey(key)?.readable === false
    viewedVersion.value = nextVersion
    clearTimeout(refreshTimer)
    clearTimeout(blocksTimer)
    entriesGeneration++
    entriesLoaded.value = false
    entriesPartial.value = false
    if (otherJournal) {
      // Nothing of the previous journal may linger under the new one's name.
      fetchedInfo.value = null
      const knownStatus = known?.status.key === key ? known.status : null
      status.value = knownStatus
      entries.value = []
      useHistoryStore().follow(key)
      const entriesThenHistory = async (): Promise<void> => {
        // A list asked for together with the status is the status's when the two agree on count
        // and size (nothing came or went between the two answers). Then the status coming back as
        // an event (the event socket resyncs when it opens) is no reason to list again; if they
        // disagree, the list is asked for once more, now that the status is known.
        if (knownStatus && known && sameListing(knownStatus, known.entries)) {
          entries.value = known.entries
          entriesLoaded.value = true
        } else if (knownStatus && known && known.entries.length > 0) {
          // Only the newest entries were asked for (a long journal): they paint the first
          // screen, and the whole list follows once that is on screen.
          entriesPartial.value = true
          entries.value = known.entries
          entriesLoaded.value = true
          await afterNextPaint()
          if (key === shownKey.value) await loadEntries()
        } else {
          await loadEntries()
        }
        // The history is worked out by the same services and shown beside the list: asked for
        // once the list is painted, it does not hold that first frame back.
        await afterNextPaint()
        if (key === shownKey.value) await useHistoryStore().refresh(key)
      }
      await Promise.all([loadInfo(key), knownStatus ? null : loadStatus(key), entriesThenHistory()])
    } else {
      await loadEntries()
    }
  }

  function backToLatest(): Promise<void> {
    return shownKey.value ? show(shownKey.value) : Promise.resolve()
  }

  function applyStatus(next: JournalStatus): void {
    // Every open journal reports; only the shown one's belongs in the status boxes.
    if (next.key !== shownKey.value) return
    const versionMoved = status.value?.version !== next.version
    // A journal that had no peer may have had nothing to list: the first peer can fill it in.
    const firstPeer = status.value?.peers === 0 && next.peers > 0
    status.value = next
    // Otherwise peers coming and going change nothing in the list.
    if (versionMoved || firstPeer) refreshSoon()
  }

  /** The library carries every journal's version: a move missed while the socket was down shows here. */
  function libraryChanged(list: LibraryItem[]): void {
    const key = shownKey.value
    if (key === null || !fetchedInfo.value) return
    const item = list.find((i) => i.key === key)
    if (!item) {
      void fallBackIfGone(key)
      return
    }
    // A journal added by key alone became readable (its first block showed it is public): the
    // list and history it had none of are there now.
    if (item.readable && shownUnreadable) {
      shownUnreadable = false
      void loadStatus(key)
      void loadEntries()
      void useHistoryStore().refresh(key)
      return
    }
    if (status.value && item.version > status.value.version) {
      void loadStatus(key)
      refreshSoon()
    }
  }

  /**
   * Removed here or elsewhere: fall back to the journal calls and imports go to. A library event
   * sent just before the journal was added can arrive after it is shown, so ask once more first.
   */
  async function fallBackIfGone(key: string): Promise<void> {
    try {
      const list = await useApi().listLibrary()
      if (key === shownKey.value && !list.some((i) => i.key === key)) await showActive()
    } catch (err) {
      useNoticeStore().report(err, 'Could not load the library')
    }
  }

  function refreshSoon(): void {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      // An older version never changes; only its blocks arrive (see entriesSoon).
      if (!viewingVersion.value) void loadEntries()
      if (shownKey.value) void useHistoryStore().refresh(shownKey.value)
    }, REFRESH_DEBOUNCE_MS)
  }

  function entriesSoon(): void {
    clearTimeout(blocksTimer)
    blocksTimer = setTimeout(() => void loadEntries(), BLOCKS_DEBOUNCE_MS)
  }

  async function loadInfo(key: string): Promise<void> {
    try {
      const next = await useApi().getJournal({ journal: key })
      if (key === shownKey.value) fetchedInfo.value = next
    } catch (err) {
      useNoticeStore().report(err, 'Could not open the journal')
    }
  }

  async function loadStatus(key: string): Promise<void> {
    try {
      const next = await useApi().getStatus({ journal: key })
      // An event may have delivered a newer status while this call was in flight.
      if (key === shownKey.value && (!status.value || next.version >= status.value.version)) status.value = next
    } catch (err) {
      useNoticeStore().report(err, 'Could not read the journal status')
    }
  }

  async function loadEntries(): Promise<void> {
    const key = shownKey.value
    if (key === null) return
    const version = viewedVersion.value ?? undefined
    const mine = ++entriesGeneration
    try {
      const list = await useApi().listEntries(version === undefined ? { journal: key } : { journal: key, version })
      if (mine !== entriesGeneration) return
      entriesPartial.value = false
      entries.value = list
      entriesLoaded.value = true
    } catch (err) {
      if (mine !== entriesGeneration) return
      useNoticeStore().report(err, version === undefined ? 'Could not load the entries' : `Could not open version ${version}`)
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
    const key = shownKey.value
    const before = entries.value.find((e) => e.path === path)
    if (key === null || !before || (before.title ?? '') === title) return
    replaceEntry(path, (e) => ({ ...e, title: title || undefined }))
    try {
      const updated = await useApi().renameEntry({ journal: key, path, title })
      if (key === shownKey.value) replaceEntry(path, () => updated)
    } catch (err) {
      if (key === shownKey.value) replaceEntry(path, () => before)
      useNoticeStore().report(err, 'Could not rename the entry')
    }
    refreshSoon()
  }

  /** `erase` also clears the entry's audio from this computer (see the API's deleteEntry). */
  async function deleteEntry(path: string, { erase = false }: { erase?: boolean } = {}): Promise<boolean> {
    const key = shownKey.value
    if (key === null) return false
    try {
      await useApi().deleteEntry({ journal: key, path, ...(erase ? { erase } : {}) })
      if (key === shownKey.value) replaceEntry(path, () => null)
      return true
    } catch (err) {
      useNoticeStore().report(err, 'Could not delete the entry')
      return false
    } finally {
      refreshSoon()
    }
  }

  return {
    shownKey,
    viewedVersion,
    viewingVersion,
    info,
    status,
    entries,
    entriesLoaded,
    entriesPartial,
    entryCount,
    writable,
    isActive,
    start,
    show,
    showActive,
    backToLatest,
    refreshSoon,
    renameEntry,
    deleteEntry
  }
})
