import { access } from 'node:fs/promises'
import { join } from 'node:path'
import CoreStorage from 'hypercore-storage'
import Hyperdrive from 'hyperdrive'
import sodium from 'sodium-native'
import { decode as decodeKey, encode as encodeKey } from 'hypercore-id-encoding'
import { DataFileError } from '../storage/json-file'
import { JournalKeys } from '../library/journal-keys'
import { LibraryFile, type LibraryRecord } from '../library/library-file'
import type { BackupContent, BackupJournal } from './backup-content'

/** A data directory that cannot be backed up, with the reason in a sentence. */
export class IdentityReadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IdentityReadError'
  }
}

export interface ReadIdentityOptions {
  /**
   * The running app's read keys (they may be sealed with the system's key store, which only the
   * app can open); read from journal-keys.json when not given.
   */
  keys?: JournalKeys
}

/**
 * What a backup of `dataDir` holds, read without changing anything there. The journals' store
 * is opened read-only: RocksDB takes no lock for that, so this works while the app or a
 * headless host runs on the same directory (the primary key never changes once written, and the
 * lengths are a floor the restored copy must reach, so a slightly older view is still right).
 */
export async function readIdentity(dataDir: string, options: ReadIdentityOptions = {}): Promise<BackupContent> {
  const storagePath = join(dataDir, 'corestore')
  try {
    await access(storagePath)
  } catch {
    throw new IdentityReadError(`${dataDir} holds no Voice Journal data (there is no corestore folder in it).`)
  }
  const library = await LibraryFile.load(dataDir)
  const keys = options.keys ?? (await loadKeys(dataDir))
  const storage = new CoreStorage(storagePath, { readOnly: true })
  try {
    await storage.ready()
    const seed = await storage.getSeed()
    if (!seed) throw new IdentityReadError(`${dataDir} has no journal of its own yet: there is nothing to back up.`)
    const journals: BackupJournal[] = []
    for (const record of library.records) journals.push(await backupJournal(storage, record))
    return {
      app: 'voice-journal',
      createdAt: new Date().toISOString(),
      primaryKey: seed.toString('hex'),
      active: library.active,
      journals,
      encryptionKeys: Object.fromEntries(keys.entries().map(([key, readKey]) => [key, encodeKey(readKey)]))
    }
  } finally {
    await storage.close()
  }
}

async function loadKeys(dataDir: string): Promise<JournalKeys> {
  try {
    return await JournalKeys.load(dataDir)
  } catch (error) {
    if (!(error instanceof DataFileError)) throw error
    throw new IdentityReadError(
      `The journals' read keys in ${dataDir} cannot be read here (${error.reason}). Back up from the app itself: Settings → Back up my journals.`
    )
  }
}

async function backupJournal(storage: CoreStorage, record: LibraryRecord): Promise<BackupJournal> {
  const journal: BackupJournal = { key: record.key, kind: record.kind, name: record.name, seeding: record.seeding }
  if (record.namespace === undefined) return journal
  return { ...journal, namespace: record.namespace, lengths: await lengthsOf(storage, decodeKey(record.key)) }
}

/** How long an own journal's index and audio cores are in `storage` (0 for a core not stored yet). */
async function lengthsOf(storage: CoreStorage, key: Buffer): Promise<{ index: number; audio: number }> {
  const index = await storage.getInfo(discoveryKey(key))
  const manifest = index?.auth?.manifest
  const audioKey = manifest ? Hyperdrive.getContentKey(manifest, key) : null
  const audio = audioKey ? await storage.getInfo(discoveryKey(audioKey)) : null
  return { index: index?.head?.length ?? 0, audio: audio?.head?.length ?? 0 }
}

/** Hypercore's discovery key (as hypercore-crypto makes it): BLAKE2b-256 of "hypercore", keyed with the core's key. */
function discoveryKey(key: Buffer): Buffer {
  const out = Buffer.alloc(32)
  sodium.crypto_generichash(out, Buffer.from('hypercore'), key)
  return out
}
