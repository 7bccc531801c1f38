import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { TranscriptDto, TranscriptSentenceDto } from '#shared/transcript-dto'
import { useApi } from '../api/current'
import { sentenceAt } from '../format/transcript-edit'
import { useJournalStore } from './journal'
import { useNoticeStore } from './notices'
import { usePlayerStore } from './player'

export type TranscriptState = 'idle' | 'loading' | 'ready' | 'none' | 'error'

/**
 * The transcript shown beside the entries: the selected entry's (a click, the keyboard, a search
 * result), in the journal and version the window shows. It follows the player while that entry
 * plays, and is corrected in place.
 */
export const useTranscriptStore = defineStore('transcript', () => {
  const journal = useJournalStore()
  const player = usePlayerStore()
  const path = ref<string | null>(null)
  const transcript = shallowRef<TranscriptDto | null>(null)
  const state = ref<TranscriptState>('idle')
  const editing = ref(false)
  const saving = ref(false)
  let generation = 0

  const entry = computed(() => (path.value === null ? null : (journal.entries.find((e) => e.path === path.value) ?? null)))
  const sentences = computed(() => transcript.value?.sentences ?? [])
  /** The sentence being said now, while this entry plays; -1 otherwise. */
  const currentSentence = computed(() =>
    path.value !== null && player.isCurrent(path.value) ? sentenceAt(sentences.value, player.currentTime * 1000) : -1
  )

  function show(next: string | null): void {
    if (next === path.value) return
    path.value = next
    editing.value = false
    void load()
  }

  async function load(): Promise<void> {
    const mine = ++generation
    const key = journal.shownKey
    const at = path.value
    if (key === null || at === null) {
      transcript.value = null
      state.value = 'idle'
      return
    }
    if (state.value !== 'ready' || transcript.value === null) state.value = 'loading'
    try {
      const version = journal.viewedVersion ?? undefined
      const next = await useApi().getTranscript({ journal: key, path: at, ...(version === undefined ? {} : { version }) })
      if (mine !== generation) return
      transcript.value = next
      state.value = next ? 'ready' : 'none'
    } catch (err) {
      if (mine !== generation) return
      state.value = 'error'
      useNoticeStore().report(err, 'Could not read the transcript')
    }
  }

  /** Plays the entry from a sentence or a word of its transcript. */
  function playFrom(ms: number): void {
    if (entry.value) player.playFrom(entry.value, ms / 1000)
  }

  async function save(corrected: TranscriptSentenceDto[]): Promise<boolean> {
    const key = journal.shownKey
    const at = path.value
    if (key === null || at === null || !journal.writable) return false
    saving.value = true
    try {
      const saved = await useApi().saveTranscript({ journal: key, path: at, sentences: corrected })
      if (at === path.value) {
        generation++
        transcript.value = saved
        state.value = 'ready'
        editing.value = false
      }
      journal.refreshSoon()
      return true
    } catch (err) {
      useNoticeStore().report(err, 'Could not save the transcript')
      return false
    } finally {
      saving.value = false
    }
  }

  // Another journal or version: nothing of the previous one's transcript may linger.
  watch(
    () => [journal.shownKey, journal.viewedVersion] as const,
    () => {
      path.value = null
      editing.value = false
      void load()
    }
  )
  // A transcript may arrive (transcription, a peer) or change while its entry is shown.
  watch(
    () => [journal.status?.version, entry.value?.hasTranscript] as const,
    (now, before) => {
      if (!editing.value && path.value !== null && (now[0] !== before[0] || now[1] !== before[1])) void load()
    }
  )

  return { path, entry, transcript, sentences, state, editing, saving, currentSentence, show, load, playFrom, save }
})
