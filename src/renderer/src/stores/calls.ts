import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { CallDto } from '#shared/intake'
import { useApi } from '../api/current'
import { saveTextFile } from '../util/save-file'
import { useNoticeStore } from './notices'

/** A call's webhooks come in quick succession; one refetch per burst is enough. */
const REFRESH_DEBOUNCE_MS = 200

/** The private call log. It is loaded the first time the Calls view opens, then kept current. */
export const useCallsStore = defineStore('calls', () => {
  // A long log must not become thousands of reactive proxies; the list is replaced, never mutated.
  const calls = shallowRef<CallDto[]>([])
  const loaded = ref(false)
  const exporting = ref(false)

  let started = false
  let generation = 0
  let refreshTimer: ReturnType<typeof setTimeout> | undefined

  function start(): void {
    if (started) return
    started = true
    useApi().on('calls', refreshSoon)
    void refresh()
  }

  function refreshSoon(): void {
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => void refresh(), REFRESH_DEBOUNCE_MS)
  }

  async function refresh(): Promise<void> {
    const mine = ++generation
    try {
      const list = await useApi().listCalls()
      if (mine !== generation) return
      calls.value = list
      loaded.value = true
    } catch (err) {
      useNoticeStore().report(err, 'Could not load the call log')
    }
  }

  async function exportCsv(): Promise<void> {
    if (exporting.value) return
    exporting.value = true
    try {
      const { fileName, csv } = await useApi().exportCallsCsv()
      saveTextFile(fileName, csv, 'text/csv')
    } catch (err) {
      useNoticeStore().report(err, 'Could not export the call log')
    } finally {
      exporting.value = false
    }
  }

  return { calls, loaded, exporting, start, refresh, exportCsv }
})
