import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { errorMessage } from '../format/error'

export interface Notice {
  id: number
  message: string
}

/** Every failure that is not shown next to its cause (imports show theirs per file) lands here. */
export const useNoticeStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([])
  let nextId = 1

  const latest = computed(() => notices.value[notices.value.length - 1] ?? null)

  function report(err: unknown, context?: string): void {
    const detail = errorMessage(err)
    const message = context ? `${context}: ${detail}` : detail
    // A flapping connection repeats itself; one copy of a message is enough.
    notices.value = notices.value.filter((n) => n.message !== message)
    notices.value.push({ id: nextId++, message })
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  function dismissAll(): void {
    notices.value = []
  }

  return { notices, latest, report, dismiss, dismissAll }
})
