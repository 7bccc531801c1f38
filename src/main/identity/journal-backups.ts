import { join } from 'node:path'
import { ApiError } from '#shared/api'
import type { JournalKeys } from '../library/journal-keys'
import { BackupFileError, writeBackupFile } from './backup-file'
import { IdentityReadError, readIdentity } from './identity-reader'
import { SealedFileError } from './sealed-file'

/** Asks the person where to save a file (the desktop app's save dialog); null when they cancel. */
export type ChooseBackupFile = (suggestedName: string) => Promise<string | null>

/**
 * Settings → "Back up my journals": the running app's backup, the same file `npm run backup`
 * writes. The desktop app asks where with a save dialog (which asks before replacing a file);
 * headless, the file goes to the data directory's backups/ folder and its path is shown, since
 * the window may be in a browser on another screen than the host's.
 */
export class JournalBackups {
  constructor(
    private readonly dataDir: string,
    /** The app's read keys: on the desktop they are sealed with the system's key store, which only the app opens. */
    private readonly keys: JournalKeys,
    private readonly chooseFile?: ChooseBackupFile
  ) {}

  async backUp(passphrase: string, now = new Date()): Promise<{ file: string | null }> {
    const name = `voice-journal-${now.toISOString().slice(0, 19).replace(/[T:]/g, '-')}.vjbackup`
    try {
      const content = await readIdentity(this.dataDir, { keys: this.keys })
      if (this.chooseFile) {
        const file = await this.chooseFile(name)
        if (file === null) return { file: null }
        await writeBackupFile(file, content, passphrase, { overwrite: true })
        return { file }
      }
      const file = join(this.dataDir, 'backups', name)
      await writeBackupFile(file, content, passphrase)
      return { file }
    } catch (error) {
      if (error instanceof SealedFileError) throw new ApiError('bad-request', error.message, 'passphrase')
      if (error instanceof BackupFileError || error instanceof IdentityReadError) throw new ApiError('unavailable', error.message)
      throw error
    }
  }
}
