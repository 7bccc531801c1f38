import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { ApiError } from '#shared/api'
import type { JournalKind, LibraryItem, SeedingState } from '#shared/dto'
import { useApi } from '../api/current'
import { followEvent } from '../api/follow-event'
import { useNoticeStore } from './notices'

export interface LibraryGroup {
  kind: JournalKind
  label: string
  items: LibraryItem[]
}

const GROUPS: ReadonlyArray<{ kind: JournalKind; label: string }> = [
  { kind: 'own', label: 'My journals' },
  { kind: 'followed', label: 'Following' },
  { kind: 'fork', label: 'Forks' },
  { kind: 'hosted', label: 'Hosting (private, not readable here)' }
]

export interface ForkRequest {
  journal: string
  /** Leave out to fork whatever is current when the services do it. */
  version?: number
  name?: string
  makeActive: boolean
  /** Leave out to keep the source's privacy; true makes a private copy. */
  private?: boolean
}

/**
 * Every journal the app knows: mine, the ones I follow, forks. The services persist it; this
 * mirrors it. It knows nothing of the journal the window shows (that store watches this one, and
 * `useLibraryActions` shows what was added), so the two stores do not import each other.
 */
export const useLibraryStore = defineStore('library', () => {
  // Seeding progress makes the library event frequent; the list is replaced, never mutated.
  const items = shallowRef<LibraryItem[]>([])
  const loaded = ref(false)
  /** Journals with a call in flight (seeding switch, make active…), so their buttons can wait. */
  const busy = ref(new Set<string>())
  const groups = computed<LibraryGroup[]>(() =>
    GROUPS.map((g) => ({ ...g, items: items.value.filter((item) => item.kind === g.kind) })).filter((g) => g.items.length > 0)
  )
  const active = computed(() => items.value.find((item) => item.active) ?? null)

  const { start, load } = followEvent('library', () => useApi().listLibrary(), apply, 'Could not load the library')

  function apply(list: LibraryItem[]): void {
    items.value = list
    loaded.value = true
  }

  /** Replaces one item with what a call returned, before the library event confirms it. */
  function upsert(item: LibraryItem): void {
    const others = items.value.filter((i) => i.key !== item.key)
    // Only one journal can be active; the answer to setActiveJournal implies the others are not.
    const adjusted = item.active ? others.map((i) => (i.active ? { ...i, active: false } : i)) : others
    const at = items.value.findIndex((i) => i.key === item.key)
    adjusted.splice(at < 0 ? adjusted.length : at, 0, item)
    apply(adjusted)
  }

  function byKey(key: string | null): LibraryItem | null {
    return key === null ? null : (items.value.find((i) => i.key === key) ?? null)
  }

  async function withBusy<T>(key: string, work: () => Promise<T>): Promise<T> {
    busy.value.add(key)
    try {
      return await work()
    } finally {
      busy.value.delete(key)
    }
  }

  /** Adds a journal by key or link; throws the service's refusal (a bad key is a 'bad-request'). */
  async function add(link: string): Promise<{ item: LibraryItem; version?: number }> {
    const added = await useApi().addToLibrary({ link })
    upsert(added.item)
    return added
  }

  async function create(name: string, isPrivate = true): Promise<LibraryItem> {
    const item = await useApi().createJournal({ name, private: isPrivate })
    upsert(item)
    return item
  }

  async function setActive(key: string): Promise<void> {
    try {
      upsert(await withBusy(key, () => useApi().setActiveJournal({ journal: key })))
    } catch (err) {
      useNoticeStore().report(err, 'Could not make the journal active')
    }
  }

  async function setSeeding(key: string, state: SeedingState): Promise<void> {
    try {
      upsert(await withBusy(key, () => useApi().setSeeding({ journal: key, state })))
    } catch (err) {
      useNoticeStore().report(err, 'Could not change seeding')
    }
  }

  /** Returns the fork, or throws with the service's message for the dialog. */
  async function fork(request: ForkRequest): Promise<LibraryItem> {
    const item = await useApi().forkJournal(request)
    upsert(item)
    return item
  }

  /** Makes `journal` collect every entry of `from` (a key or link); throws the service's refusal, whose `field` is 'from' for a bad link. */
  async function collectFrom(journal: string, from: string): Promise<LibraryItem> {
    const item = await withBusy(`${journal}<`, () => useApi().collectFrom({ journal, from }))
    upsert(item)
    return item
  }

  /** Stops `journal` collecting from `from`; what came in stays. */
  async function stopCollecting(journal: string, from: string): Promise<void> {
    try {
      upsert(await withBusy(`${journal}<${from}`, () => useApi().stopCollecting({ journal, from })))
    } catch (err) {
      useNoticeStore().report(err, 'Could not stop collecting')
    }
  }

  /**
   * Removes a journal. 'needs-confirmation' means the services consider it writable and want the
   * second confirmation; the dialog then asks for it instead of reporting an error.
   */
  async function remove(key: string, confirmWritable: boolean): Promise<'removed' | 'needs-confirmation'> {
    try {
      await withBusy(key, () => useApi().removeFromLibrary({ journal: key, confirmWritable }))
    } catch (err) {
      if (err instanceof ApiError && err.code === 'needs-confirmation') return 'needs-confirmation'
      throw err
    }
    apply(items.value.filter((i) => i.key !== key))
    return 'removed'
  }

  return { items, loaded, busy, groups, active, start, load, byKey, add, create, setActive, setSeeding, collectFrom, stopCollecting, fork, remove }
})
