import { JournalStore } from '../../src/main/journal/journal-store'
import type { Journal } from '../../src/main/journal/journal'
import { makeTempDir } from './temp-dir'

/** A real Corestore in a temp directory with the user's own journal opened, as the app does. */
export async function openTempJournal(): Promise<{ store: JournalStore; journal: Journal; dir: string; cleanup: () => Promise<void> }> {
  const { dir, cleanup } = await makeTempDir()
  const store = await JournalStore.open(dir)
  const journal = await store.openOwn()
  return {
    store,
    journal,
    dir,
    cleanup: async () => {
      await store.close().catch(() => {})
      await cleanup()
    }
  }
}
