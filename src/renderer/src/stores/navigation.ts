import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'

export type ViewName = 'journal' | 'calls' | 'settings'

export const VIEWS: ReadonlyArray<{ name: ViewName; label: string }> = [
  { name: 'journal', label: 'Journal' },
  { name: 'calls', label: 'Calls' },
  { name: 'settings', label: 'Settings' }
]

export interface RevealRequest {
  path: string
  /** Distinguishes two requests for the same entry, so the second one still scrolls to it. */
  id: number
}

/** Which view the window shows. Three views need no router: the address never changes. */
export const useNavigationStore = defineStore('navigation', () => {
  const view = ref<ViewName>('journal')
  const reveal = shallowRef<RevealRequest | null>(null)
  let nextId = 1

  function go(next: ViewName): void {
    view.value = next
  }

  /** Shows the journal with this entry selected and in view (the entry list does the selecting). */
  function revealEntry(path: string): void {
    view.value = 'journal'
    reveal.value = { path, id: nextId++ }
  }

  return { view, reveal, go, revealEntry }
})
