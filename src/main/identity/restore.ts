import { access, mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import Corestore from 'corestore'
import CoreStorage from 'hypercore-storage'
import { decode as decodeKey } from 'hypercore-id-encoding'
import type { JournalKind, SeedingState } from '#shared/dto'
import { logger } from '../app/logging'
import { JournalStore } from '../journal/journal-store'
import { JournalKeys } from '../library/journal-keys'
import { DEFAULT_NAMESPACE, LibraryFile, type LibraryRecord } from '../library/library-file'
import { ownJournals, type BackupContent } from './backup-content'
import { RESTORED_FILE_NAME, RestoredJournals } from './restored-journals'

const log = logger('restore')

/** What makes a data directory one that already has journals: a restore never writes over any of it. */
const IN_USE = ['corestore', 'library.json', 'journal-keys.json', RESTORED_FILE_NAME]
/** Written when the journals opened to check their keys close. */
const CLOCK_FILE = 'change-times.json'

export class RestoreError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RestoreError'
  }
}

export interface RestoreSummary {
  /** Own journals (and forks), writable again once they have caught up with their peers. */
  own: string[]
  /** Other people's journals, followed again. */
  followed: string[]
}

/**
 * Brings a backup's journals back into `dataDir`, which must have none: a Corestore seeded with
 * the backup's primary key (every own journal's key pair derives from it), the read keys
 * (journal-keys.json), the marks that keep each own journal read-only until it has caught up
 * (restored-journals.json), and the library (library.json, written last: while it is missing,
 * the directory holds no journal the app would open). The audio comes back from the peers.
 */
export async function restoreDataDir(dataDir: string, content: BackupContent): Promise<RestoreSummary> {
  const existed = await exists(dataDir)
  if (existed) await refuseUsedDirectory(dataDir)
  const hadClock = await exists(join(dataDir, CLOCK_FILE))
  await mkdir(dataDir, { recursive: true })
  try {
    await seedStore(dataDir, Buffer.from(content.primaryKey, 'hex'))
    await checkOwnKeys(dataDir, content)
    const own = ownJournals(content)
    await RestoredJournals.create(
      dataDir,
      Object.fromEntries(own.map((journal) => [journal.key, { lengths: journal.lengths ?? { index: 0, audio: 0 }, restoredAt: Date.now() }]))
    )
    const keys = await JournalKeys.load(dataDir)
    for (const [key, readKey] of Object.entries(content.encryptionKeys)) await keys.set(key, decodeKey(readKey))
    await writeLibrary(dataDir, content)
    return { own: own.map((journal) => journal.name), followed: content.journals.filter((journal) => journal.namespace === undefined).map((journal) => journal.name) }
  } catch (error) {
    // The directory had none of these before (checked above): take back exactly what was written.
    log.error({ err: error, dataDir }, 'restoring failed; removing what it wrote')
    if (existed) await Promise.all([...IN_USE, ...(hadClock ? [] : [CLOCK_FILE])].map((name) => rm(join(dataDir, name), { recursive: true, force: true })))
    else await rm(dataDir, { recursive: true, force: true })
    throw error
  }
}

/** Throws RestoreError when `dataDir` already has journals; the command line asks this before the passphrase. */
export async function checkRestoreTarget(dataDir: string): Promise<void> {
  if (await exists(dataDir)) await refuseUsedDirectory(dataDir)
}

async function refuseUsedDirectory(dataDir: string): Promise<void> {
  for (const name of IN_USE) {
    if (await exists(join(dataDir, name))) {
      throw new RestoreError(
        `${dataDir} already has journals (it holds ${name}). Restore into a new, empty data directory instead, e.g. --data ${dataDir}-restored. Nothing was written.`
      )
    }
  }
}

/** A new, empty Corestore takes a primary key once; from then on it keeps it. */
async function seedStore(dataDir: string, primaryKey: Buffer): Promise<void> {
  const store = new Corestore(new CoreStorage(join(dataDir, 'corestore')), { primaryKey, unsafe: true })
  try {
    await store.ready()
  } finally {
    await store.close()
  }
}

/** Opens each own journal as the app will and checks it has the backed-up key, before anything names it. */
async function checkOwnKeys(dataDir: string, content: BackupContent): Promise<void> {
  const journals = await JournalStore.open(dataDir)
  try {
    for (const journal of ownJournals(content)) {
      const readKey = content.encryptionKeys[journal.key]
      const opened = await journals.openOwn(journal.namespace, readKey ? decodeKey(readKey) : null)
      if (opened.id !== journal.key) {
        throw new RestoreError(`The backup's primary key does not make the journal "${journal.name}" (${journal.key}): this backup cannot restore it. Nothing was kept.`)
      }
    }
  } finally {
    await journals.close()
  }
}

async function writeLibrary(dataDir: string, content: BackupContent): Promise<void> {
  const library = await LibraryFile.load(dataDir)
  // A backup without the default journal was made after it was removed. It stays removed: made
  // again from the primary key it would be its old key at length 0, with nothing to catch up to,
  // and writing to it would fork the copies peers still hold (own-journals.ts). Said first, so a
  // library.json cut short by a crash says it too.
  if (!ownJournals(content).some((journal) => journal.namespace === DEFAULT_NAMESPACE)) await library.setDefaultJournalRemoved()
  const addedAt = Date.now()
  for (const journal of content.journals) {
    const record: LibraryRecord = {
      key: journal.key,
      // library.json's loader checks these and drops a record it does not know, as for a hand-edited file.
      kind: journal.kind as JournalKind,
      name: journal.name,
      ...(journal.namespace === undefined ? {} : { namespace: journal.namespace }),
      seeding: journal.seeding as SeedingState,
      addedAt
    }
    await library.add(record)
  }
  const active = content.journals.find((journal) => journal.key === content.active && journal.namespace !== undefined) ?? ownJournals(content)[0]
  if (active) await library.setActive(active.key)
  await library.flush()
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}
