import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { HistoryItem } from '#shared/dto'
import { useApi } from '../api/current'
import { describeChange } from '../format/history'
import { useNoticeStore } from './notices'

const PAGE_SIZE = 50

/** The shown journal's changes, newest first, paged backwards with `nextBefore`. */
export const useHistoryStore = defineStore('history', () => {
  const items = shallowRef<HistoryItem[]>([])
  const nextBefore = ref<number | null>(null)
  const loaded = ref(false)
  const loadingOlder = ref(false)
  const views = computed(() => items.value.map(describeChange))
  /** Whose history `items` is; another journal's pages must never be merged into it. */
  let journalKey: string | null = null
  let generation = 0

  /** From now on the history shown is `journal`'s: another journal's is cleared at once. */
  function follow(journal: string): void {
    if (journal === journalKey) return
    journalKey = journal
    items.value = []
    nextBefore.value = null
    loaded.value = false
    generation++
  }

  /** Fetches the newest page and keeps older pages already loaded when the two still meet. */
  async function refresh(journal: string): Promise<void> {
    follow(journal)
    const mine = ++generation
    try {
      const page = await useApi().getHistory({ journal, limit: PAGE_SIZE })
      if (mine !== generation) return
      const newestKnown = items.value[0]?.version
      const overlap = newestKnown === undefined ? -1 : page.items.findIndex((i) => i.version === newestKnown)
      if (overlap >= 0) {
        items.value = [...page.items.slice(0, overlap), ...items.value]
      } else {
        items.value = page.items
        nextBefore.value = page.nextBefore
      }
      loaded.value = true
    } catch (err) {
      if (mine === generation) useNoticeStore().report(err, 'Could not load the history')
    }
  }

  async function loadOlder(): Promise<void> {
    if (nextBefore.value === null || loadingOlder.value || journalKey === null) return
    loadingOlder.value = true
    const mine = generation
    try {
      const page = await useApi().getHistory({ journal: journalKey, limit: PAGE_SIZE, before: nextBefore.value })
      if (mine !== generation) return
      items.value = [...items.value, ...page.items]
      nextBefore.value = page.nextBefore
    } catch (err) {
      useNoticeStore().report(err, 'Could not load older history')
    } finally {
      loadingOlder.value = false
    }
  }

  return { items, views, nextBefore, loaded, loadingOlder, follow, refresh, loadOlder }
})
