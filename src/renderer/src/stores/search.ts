import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { SearchHit, SearchResults } from '#shared/transcript-dto'
import { useApi } from '../api/current'
import { useJournalStore } from './journal'
import { useNoticeStore } from './notices'
import { usePlayerStore } from './player'
import { useTranscriptStore } from './transcript'

/** Results as you type, without a request for every key of a word typed quickly. */
const SEARCH_DEBOUNCE_MS = 120
const RESULTS_SHOWN = 50

/**
 * The search box over the journal shown (own, followed or an opened version): the services keep
 * the index (searchJournal), the window asks as the query changes and shows what came back.
 */
export const useSearchStore = defineStore('search', () => {
  const journal = useJournalStore()
  const query = ref('')
  const results = shallowRef<SearchResults | null>(null)
  const searching = ref(false)
  const active = computed(() => query.value.trim() !== '')
  /** The words each entry matched: the transcript marks them. */
  const termsByPath = computed(() => new Map((results.value?.hits ?? []).map((hit) => [hit.path, new Set(hit.terms)])))
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0

  function setQuery(next: string): void {
    query.value = next
    clearTimeout(timer)
    if (!active.value) {
      generation++
      results.value = null
      searching.value = false
      return
    }
    searching.value = true
    timer = setTimeout(() => void run(), SEARCH_DEBOUNCE_MS)
  }

  function clear(): void {
    setQuery('')
  }

  /** Builds the shown journal's index before the first word is typed (a long journal takes a moment). */
  function warm(): void {
    const key = journal.shownKey
    if (key === null || active.value) return
    const version = journal.viewedVersion ?? undefined
    useApi()
      .searchJournal({ journal: key, query: '', ...(version === undefined ? {} : { version }) })
      .catch(() => undefined)
  }

  async function run(): Promise<void> {
    const key = journal.shownKey
    const text = query.value.trim()
    if (key === null || text === '') return
    const mine = ++generation
    const version = journal.viewedVersion ?? undefined
    try {
      const found = await useApi().searchJournal({ journal: key, query: text, limit: RESULTS_SHOWN, ...(version === undefined ? {} : { version }) })
      if (mine !== generation) return
      results.value = found
    } catch (err) {
      if (mine === generation) useNoticeStore().report(err, 'Could not search the journal')
    } finally {
      if (mine === generation) searching.value = false
    }
  }

  /** Shows a result's transcript and plays from the word it matched (or `ms`, a word clicked in its snippet). */
  function play(hit: SearchHit, ms = hit.startMs ?? 0): void {
    const entry = journal.entries.find((e) => e.path === hit.path)
    if (!entry) return
    useTranscriptStore().show(hit.path)
    usePlayerStore().playFrom(entry, ms / 1000)
  }

  /** Enter in the box: the best result that matched a spoken word, from that word. */
  function playFirst(): boolean {
    const hits = results.value?.hits ?? []
    const hit = hits.find((h) => h.startMs !== undefined) ?? hits[0]
    if (!hit) return false
    play(hit)
    return true
  }

  // Another journal or version: the same words are searched there; a new version: results stay live.
  watch(
    () => [journal.shownKey, journal.viewedVersion, journal.status?.version] as const,
    () => {
      if (active.value) void run()
    }
  )

  return { query, results, searching, active, termsByPath, setQuery, clear, warm, play, playFirst }
})
