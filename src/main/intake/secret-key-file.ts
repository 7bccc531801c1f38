import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * A random 32-byte key kept in `file`, readable by this user only, made on first use. Keys that
 * never leave this machine sign what must not be guessed or traced back (socket tokens, call ids).
 */
export async function loadSecretKey(file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    const key = randomBytes(32)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, key, { mode: 0o600, flag: 'wx' })
    return key
  }
}
