import { open, chmod, mkdir, readFile, rename, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { decode as decodeKey, encode as encodeKey, normalize as normalizeKey } from 'hypercore-id-encoding'
import { DataFileError } from '../storage/json-file'
import { logger } from '../app/logging'

const log = logger('journal-keys')

export const ENCRYPTION_KEY_BYTES = 32
const FILE_NAME = 'journal-keys.json'
/** Only the user may read it: whoever reads this file can listen to every private journal. */
const FILE_MODE = 0o600

/**
 * Seals the key file's content with the operating system's key store where the desktop adapter
 * runs (Electron's safeStorage); without one (headless hosts) the file relies on its 0600 mode.
 */
export interface SecretSealer {
  /** Written into the file, so a file sealed by one sealer is never read as another's. */
  readonly name: string
  seal(plain: string): Buffer
  open(sealed: Buffer): string
}

interface KeyFileContent {
  format: 1
  /** 'none', or the sealer's name when `sealed` holds the keys. */
  sealedWith: string
  keys?: Record<string, string>
  sealed?: string
}

/**
 * The read keys of private journals (Hyperdrive's `encryptionKey`), by journal key, in the data
 * directory's journal-keys.json. Hypercore does not keep them: every open of a private journal
 * passes its key, and a lost key is a journal nobody can read again (the backup holds them too).
 */
export class JournalKeys {
  private readonly keys = new Map<string, Buffer>()
  private pendingWrite: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private readonly sealer: SecretSealer | null
  ) {}

  static async load(dataDir: string, sealer: SecretSealer | null = null): Promise<JournalKeys> {
    const store = new JournalKeys(join(dataDir, FILE_NAME), sealer)
    await store.read()
    return store
  }

  /** A new random read key for a new private journal. */
  static generate(): Buffer {
    return randomBytes(ENCRYPTION_KEY_BYTES)
  }

  /** The read key of journal `key` (z-base-32 or hex), or null for a public journal or one we cannot read. */
  get(key: string): Buffer | null {
    return this.keys.get(normalizeKey(key)) ?? null
  }

  /** Every journal key and its read key (for the backup). */
  entries(): Array<[string, Buffer]> {
    return [...this.keys.entries()]
  }

  async set(key: string, encryptionKey: Buffer): Promise<void> {
    if (encryptionKey.length !== ENCRYPTION_KEY_BYTES) throw new Error(`An encryption key is ${ENCRYPTION_KEY_BYTES} bytes, not ${encryptionKey.length}`)
    this.keys.set(normalizeKey(key), Buffer.from(encryptionKey))
    await this.save()
  }

  async remove(key: string): Promise<void> {
    if (this.keys.delete(normalizeKey(key))) await this.save()
  }

  /** Resolves once every change so far is on disk. */
  flush(): Promise<void> {
    return this.pendingWrite
  }

  private async read(): Promise<void> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw new DataFileError(this.file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
    }
    await this.tightenMode()
    let content: KeyFileContent
    try {
      content = JSON.parse(text) as KeyFileContent
    } catch {
      throw new DataFileError(this.file, 'is damaged (it is not valid JSON): restore it from your backup (Settings → Back up my journals)')
    }
    for (const [key, value] of Object.entries(this.unseal(content))) {
      try {
        const bytes = decodeKey(value)
        if (bytes.length !== ENCRYPTION_KEY_BYTES) throw new Error('wrong length')
        this.keys.set(normalizeKey(key), bytes)
      } catch (error) {
        log.error({ err: error, journal: key }, 'journal-keys.json holds an unreadable key for this journal; it is skipped')
      }
    }
  }

  private unseal(content: KeyFileContent): Record<string, string> {
    if (content.sealedWith === 'none') return content.keys ?? {}
    if (!this.sealer || this.sealer.name !== content.sealedWith) {
      throw new DataFileError(this.file, `is sealed with ${content.sealedWith}, which this app cannot open here: restore your journals from a backup`)
    }
    try {
      return JSON.parse(this.sealer.open(Buffer.from(content.sealed ?? '', 'base64'))) as Record<string, string>
    } catch {
      throw new DataFileError(this.file, `cannot be unsealed with ${content.sealedWith}: restore your journals from a backup`)
    }
  }

  /** A file copied in with wider permissions is narrowed again; it holds secrets. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return
    const { mode } = await stat(this.file)
    if ((mode & 0o777) !== FILE_MODE) {
      log.warn({ file: this.file, mode: (mode & 0o777).toString(8) }, 'the journal key file was readable by others; it is now readable by you only')
      await chmod(this.file, FILE_MODE)
    }
  }

  private save(): Promise<void> {
    const write = async (): Promise<void> => {
      const keys = Object.fromEntries([...this.keys].map(([key, value]) => [key, encodeKey(value)]))
      const content: KeyFileContent = this.sealer
        ? { format: 1, sealedWith: this.sealer.name, sealed: this.sealer.seal(JSON.stringify(keys)).toString('base64') }
        : { format: 1, sealedWith: 'none', keys }
      await writeSecretFile(this.file, JSON.stringify(content, null, 2))
    }
    this.pendingWrite = this.pendingWrite.then(write, write)
    return this.pendingWrite
  }
}

/**
 * Writes through a temporary file created 0600, flushed to the disk before the rename: a key
 * that a crash lost would be a journal lost.
 */
async function writeSecretFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  const handle = await open(temporary, 'w', FILE_MODE)
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, file)
}
