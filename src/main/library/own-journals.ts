import { randomUUID } from 'node:crypto'
import type { Journal } from '../journal/journal'
import type { JournalStore } from '../journal/journal-store'
import { JournalKeys } from './journal-keys'
import { DEFAULT_NAMESPACE, type LibraryFile } from './library-file'

const OWN_JOURNAL_NAME = 'My journal'

/**
 * Makes sure the library lists a journal of its own before it opens its journals. A new data
 * directory starts with the default journal, private unless asked otherwise (an always-on host
 * that publishes to everyone). Installs from before the library had only the default journal,
 * public; it becomes "My journal".
 *
 * Once the default journal has left the library (library.json says so) it is never made again.
 * Its key pair derives from the Corestore's primary key, so making it again means its old key:
 * on a computer restored from a backup that did not have it, that is a copy of length 0, and
 * writing to it would fork the copies peers still hold (two histories under one key, which
 * peers refuse). A catch-up hold (identity/catch-up.ts) could not make it safe: the backup has
 * no lengths for it, so with no peer reachable "This is the latest copy" would let it write at
 * length 0. And the person removed it: they expect it to stay removed, as any journal does.
 */
export async function ensureOwnJournal(file: LibraryFile, journals: JournalStore, keys: JournalKeys, firstJournal?: 'private' | 'public'): Promise<void> {
  if (file.records.some((record) => record.namespace === DEFAULT_NAMESPACE)) return
  if (file.defaultJournalRemoved) {
    if (file.records.some((record) => record.namespace !== undefined)) return
    // Nothing of its own left to take calls (a backup with none, a hand-edited library.json):
    // a new journal, whose new key no copy anywhere can hold.
    const namespace = `journal-${randomUUID()}`
    const journal = await openNewOwn(journals, keys, namespace, firstJournal !== 'public')
    await file.add({ key: journal.id, kind: 'own', name: OWN_JOURNAL_NAME, namespace, seeding: 'off', addedAt: Date.now() })
    return
  }
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
