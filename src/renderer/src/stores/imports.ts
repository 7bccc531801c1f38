import { defineStore } from 'pinia'
import { computed, markRaw, reactive, ref } from 'vue'
import { IMPORT_CHUNK_BYTES, IMPORT_MAX_BYTES } from '#shared/api'
import { useApi } from '../api/current'
import { errorMessage } from '../format/error'
import { formatBytes } from '../format/entry'
import { useJournalStore } from './journal'

export type ImportState = 'queued' | 'uploading' | 'checking' | 'done' | 'failed'

export interface ImportItem {
  id: number
  file: File
  name: string
  size: number
  sent: number
  state: ImportState
  error: string | null
  cancelRequested: boolean
}

/** How long a finished file stays in the list as a confirmation. */
const DONE_LINGER_MS = 2500

/** Uploads picked or dropped files one at a time, in chunks, each with its own progress and error. */
export const useImportStore = defineStore('imports', () => {
  const items = ref<ImportItem[]>([])
  const active = computed(() => items.value.filter((i) => i.state !== 'done' && i.state !== 'failed'))
  let nextId = 1
  let running = false
  let pickerOpener: (() => void) | null = null

  function add(files: Iterable<File>): void {
    for (const file of files) {
      const item = reactive<ImportItem>({
        id: nextId++,
        file: markRaw(file),
        name: file.name,
        size: file.size,
        sent: 0,
        state: 'queued',
        error: null,
        cancelRequested: false
      })
      if (file.size > IMPORT_MAX_BYTES) {
        fail(item, `This file is ${formatBytes(file.size)}; the largest file a journal accepts is ${formatBytes(IMPORT_MAX_BYTES)}.`)
      }
      items.value.push(item)
    }
    void drain()
  }

  async function drain(): Promise<void> {
    if (running) return
    running = true
    try {
      for (let item = nextQueued(); item; item = nextQueued()) await upload(item)
    } finally {
      running = false
    }
  }

  function nextQueued(): ImportItem | undefined {
    return items.value.find((i) => i.state === 'queued')
  }

  async function upload(item: ImportItem): Promise<void> {
    const api = useApi()
    let importId: string | null = null
    item.state = 'uploading'
    try {
      importId = (await api.beginImport({ fileName: item.name, size: item.size })).importId
      for (let offset = 0; offset < item.size; offset += IMPORT_CHUNK_BYTES) {
        if (item.cancelRequested) break
        // Slicing reads one chunk at a time, so a 1 GB file never sits in memory whole.
        const chunk = new Uint8Array(await item.file.slice(offset, offset + IMPORT_CHUNK_BYTES).arrayBuffer())
        await api.appendImport({ importId, chunk })
        item.sent = offset + chunk.byteLength
      }
      if (item.cancelRequested) {
        remove(item.id)
        await api.cancelImport({ importId }).catch(() => undefined)
        return
      }
      item.state = 'checking'
      // No title: the service names the entry after the file, which is what the person called it.
      await api.finishImport({ importId })
      item.state = 'done'
      useJournalStore().refreshSoon()
      setTimeout(() => remove(item.id), DONE_LINGER_MS)
    } catch (err) {
      fail(item, errorMessage(err))
      // The import already failed; a failing clean-up adds nothing the person can act on.
      if (importId) await api.cancelImport({ importId }).catch(() => undefined)
    }
  }

  function fail(item: ImportItem, message: string): void {
    item.state = 'failed'
    item.error = message
  }

  function cancel(id: number): void {
    const item = items.value.find((i) => i.id === id)
    if (!item) return
    if (item.state === 'queued') remove(id)
    else if (item.state === 'uploading') item.cancelRequested = true
  }

  function remove(id: number): void {
    items.value = items.value.filter((i) => i.id !== id)
  }

  /** The header owns the hidden file input; other buttons (the empty state) open it through here. */
  function registerPicker(open: (() => void) | null): void {
    pickerOpener = open
  }

  function openPicker(): void {
    pickerOpener?.()
  }

  return { items, active, add, cancel, dismiss: remove, registerPicker, openPicker }
})
