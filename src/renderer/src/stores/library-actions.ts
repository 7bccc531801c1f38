import { ApiError } from '#shared/api'
import type { LibraryItem } from '#shared/dto'
import { errorMessage } from '../format/error'
import { useJournalStore } from './journal'
import { useLibraryStore, type ForkRequest } from './library'

/**
 * Library changes the window then shows: a journal added, created or forked becomes the shown
 * one. The only piece that needs both the library and the journal store, kept out of both so
 * neither store imports the other.
 */
export function useLibraryActions() {
  const library = useLibraryStore()
  const journal = useJournalStore()

  /** Adds a journal by key or link and shows it; returns the message to show under the field on failure. */
  async function add(link: string): Promise<string | null> {
    try {
      const { item, version } = await library.add(link)
      await journal.show(item.key, version)
      return null
    } catch (err) {
      // A bad key is the person's to fix, next to the field; anything else is a failure like any other.
      if (err instanceof ApiError && err.code === 'bad-request') return err.message
      return errorMessage(err)
    }
  }

  async function create(name: string, isPrivate = true): Promise<string | null> {
    try {
      const item = await library.create(name, isPrivate)
      await journal.show(item.key)
      return null
    } catch (err) {
      return errorMessage(err)
    }
  }

  /** Returns the fork, shown in the window, or throws with the service's message for the dialog. */
  async function fork(request: ForkRequest): Promise<LibraryItem> {
    const item = await library.fork(request)
    await journal.show(item.key)
    return item
  }

  return { add, create, fork }
}
