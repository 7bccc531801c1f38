import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, watch } from 'vue'
import type { EntryDto } from '#shared/dto'
import { useApi } from '../api/current'
import { entryTitle } from '../format/entry'
import { useJournalStore } from './journal'
import { useNoticeStore } from './notices'

/** Where the entry playing came from: it keeps playing when the window shows another journal or version. */
export interface PlayingSource {
  journal: string
  /** The journal's name when playback started, for the player bar. */
  journalName: string
  /** The version it was opened at, or null for the live journal. */
  version: number | null
}

/**
 * One <audio> element for the whole window, so starting one entry always stops the previous one.
 * The store creates it; PlayerBar only gives it a place in the document.
 */
export const usePlayerStore = defineStore('player', () => {
  const audio = markRaw(createAudioElement())
  const current = shallowRef<EntryDto | null>(null)
  const source = shallowRef<PlayingSource | null>(null)
  const playing = ref(false)
  const currentTime = ref(0)
  const mediaDuration = ref(Number.NaN)

  // Until metadata loads (or for streams without it) the entry's own duration is the best guess.
  const duration = computed(() =>
    Number.isFinite(mediaDuration.value) && mediaDuration.value > 0
      ? mediaDuration.value
      : (current.value?.durationMs ?? 0) / 1000
  )

  audio.addEventListener('play', () => (playing.value = true))
  audio.addEventListener('pause', () => (playing.value = false))
  audio.addEventListener('ended', () => (playing.value = false))
  audio.addEventListener('timeupdate', () => (currentTime.value = audio.currentTime))
  audio.addEventListener('durationchange', () => (mediaDuration.value = audio.duration))
  audio.addEventListener('error', () => {
    if (!current.value) return
    playing.value = false
    const detail = audio.error?.message || 'the audio could not be loaded'
    useNoticeStore().report(new Error(detail), `Could not play “${entryTitle(current.value)}”`)
  })

  /** Whether this entry of the journal and version the window shows is the one in the player. */
  function isCurrent(path: string): boolean {
    const journal = useJournalStore()
    return (
      current.value?.path === path &&
      source.value?.journal === journal.shownKey &&
      source.value.version === journal.viewedVersion
    )
  }

  function play(): void {
    audio.play().catch((err: unknown) => {
      // Switching sources aborts the pending play; that is expected, not a failure.
      if (err instanceof DOMException && err.name === 'AbortError') return
      useNoticeStore().report(err, 'Playback failed')
    })
  }

  function load(entry: EntryDto, from: PlayingSource): void {
    current.value = entry
    source.value = from
    currentTime.value = 0
    mediaDuration.value = Number.NaN
    audio.src = useApi().audioUrl(from.journal, entry.path, from.version ?? undefined)
  }

  /** Play/pause for a row of the shown journal: the same entry toggles, another entry switches the source. */
  function toggle(entry: EntryDto): void {
    const journal = useJournalStore()
    if (journal.shownKey === null) return
    if (isCurrent(entry.path)) {
      togglePlayback()
      return
    }
    load(entry, { journal: journal.shownKey, journalName: journal.info?.name ?? '', version: journal.viewedVersion })
    play()
  }

  /**
   * Plays an entry of the shown journal from `seconds` (a word of its transcript, a search match):
   * the entry is loaded first when another one is in the player. A time set before the audio's
   * metadata loads is where it starts once it does.
   */
  function playFrom(entry: EntryDto, seconds: number): void {
    const journal = useJournalStore()
    if (journal.shownKey === null) return
    if (!isCurrent(entry.path)) load(entry, { journal: journal.shownKey, journalName: journal.info?.name ?? '', version: journal.viewedVersion })
    audio.currentTime = seconds
    currentTime.value = seconds
    play()
  }

  function togglePlayback(): void {
    if (!current.value) return
    if (audio.paused) play()
    else audio.pause()
  }

  function seek(seconds: number): void {
    if (!current.value) return
    audio.currentTime = seconds
    currentTime.value = seconds
  }

  // The bar's title follows renames; a deleted entry keeps playing under its last known title.
  watch(
    () => useJournalStore().entries,
    (list) => {
      const path = current.value?.path
      const fresh = path === undefined ? undefined : list.find((e) => e.path === path)
      if (fresh && isCurrent(fresh.path)) current.value = fresh
    }
  )

  return { audio, current, source, playing, currentTime, duration, isCurrent, toggle, playFrom, togglePlayback, seek }
})

function createAudioElement(): HTMLAudioElement {
  const el = document.createElement('audio')
  el.id = 'player-audio'
  el.dataset.testid = 'player-audio'
  el.preload = 'metadata'
  return el
}
