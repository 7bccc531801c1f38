import { constants } from 'node:fs'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { decodeBackup, encodeBackup, type BackupContent } from './backup-content'
import { DEFAULT_LIMITS, seal, unseal, type SealLimits } from './sealed-file'

/** Whoever can read the file can try passphrases against it: the user's eyes only. */
const FILE_MODE = 0o600

/** A backup file that cannot be written or read where it was asked for, in a sentence. */
export class BackupFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupFileError'
  }
}

export interface WriteBackupOptions {
  /** A save dialog already asked before replacing a file; the command line never replaces one. */
  overwrite?: boolean
  limits?: SealLimits
}

/**
 * Seals `content` with the passphrase into `file` (0600), through a temporary file flushed to
 * the disk before the rename: a crash leaves the old file or the new one, never half of one.
 */
export async function writeBackupFile(file: string, content: BackupContent, passphrase: string, options: WriteBackupOptions = {}): Promise<void> {
  const sealed = await seal(encodeBackup(content), passphrase, options.limits ?? DEFAULT_LIMITS)
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, FILE_MODE)
  try {
    await handle.writeFile(sealed)
    await handle.sync()
  } finally {
    await handle.close()
  }
  if (!options.overwrite) {
    try {
      // Fails if `file` exists: an older backup (maybe with another passphrase) is never lost by accident.
      await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE).then((placeholder) => placeholder.close())
    } catch (error) {
      await rm(temporary, { force: true })
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupFileError(`${file} already exists: choose another name, or move it away first.`)
      throw error
    }
  }
  try {
    await rename(temporary, file)
  } catch (error) {
    // Neither the temporary file nor the placeholder may stay to look like a backup.
    await rm(temporary, { force: true })
    if (!options.overwrite) await rm(file, { force: true })
    throw error
  }
}

/** The backup in `file`, opened with the passphrase; SealedFileError says what is wrong with it. */
export async function readBackupFile(file: string, passphrase: string): Promise<BackupContent> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new BackupFileError(`There is no file at ${file}.`)
    throw new BackupFileError(`${file} cannot be read (${code ?? (error as Error).message}).`)
  }
  return decodeBackup(await unseal(bytes, passphrase))
}
