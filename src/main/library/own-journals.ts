import type { Journal } from '../journal/journal'
import type { JournalStore } from '../journal/journal-store'
import { JournalKeys } from './journal-keys'
import type { LibraryFile } from './library-file'

const DEFAULT_NAMESPACE = 'default'
const OWN_JOURNAL_NAME = 'My journal'

/**
 * Lists the default journal (Corestore namespace 'default', "My journal") in a library that does
 * not list it, before the library opens its journals. A new data directory starts with it,
 * private unless asked otherwise (an always-on host that publishes to everyone). Installs from
 * before the library had only the default journal, public; it becomes "My journal".
 */
export async function addDefaultJournal(file: LibraryFile, journals: JournalStore, keys: JournalKeys, firstJournal?: 'private' | 'public'): Promise<void> {
  if (file.records.some((record) => record.namespace === DEFAULT_NAMESPACE)) return
  // Only a journal with nothing in it yet can be made private: one already written (a lost
  // library.json, an install from before) opens as it was, with its key if it has one.
  const existing = await journals.peekOwn(DEFAULT_NAMESPACE)
  const fresh = file.records.length === 0 && existing.length === 0
  const created = fresh && firstJournal !== 'public' && !keys.get(existing.id) ? JournalKeys.generate() : null
  if (created) await keys.set(existing.id, created)
  const own = await journals.openOwn(DEFAULT_NAMESPACE, keys.get(existing.id))
  await file.add({ key: own.id, kind: 'own', name: OWN_JOURNAL_NAME, namespace: DEFAULT_NAMESPACE, seeding: 'off', addedAt: Date.now() })
}

/** Opens a new journal of one's own; a private one's read key is on disk before the journal is in the library (listed without it, it could never be opened again). */
export async function openNewOwn(journals: JournalStore, keys: JournalKeys, namespace: string, makePrivate: boolean): Promise<Journal> {
  const encryptionKey = makePrivate ? JournalKeys.generate() : null
  const journal = await journals.openOwn(namespace, encryptionKey)
  if (encryptionKey) await keys.set(journal.id, encryptionKey)
  return journal
}
