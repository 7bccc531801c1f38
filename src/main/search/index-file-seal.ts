import { createCipheriv, createDecipheriv, createHmac, randomBytes, type CipherGCM, type DecipherGCM } from 'node:crypto'

/**
 * A private journal's search index holds the words of its transcripts in the clear, which its
 * Corestore never does: Hypercore encrypts every block before it is stored, and the read key lives
 * only in journal-keys.json (sealed with the system's key store in the desktop app, 0600 on a
 * headless host). A plain index file, even 0600, would let anyone who copies the data directory
 * (a backup of the home folder, a stolen disk) read what was said without that key. So the file
 * is sealed with AES-256-GCM under a key derived from the journal's read key: it opens for exactly
 * who can read the journal, and the tag refuses a file changed or cut short.
 */
const ALGORITHM = 'aes-256-gcm'
export const IV_BYTES = 12
export const TAG_BYTES = 16
/** A key of its own, so the read key itself never encrypts anything but the journal's blocks. */
const PURPOSE = 'voice-journal/search-index/1'

function indexKeyOf(readKey: Buffer): Buffer {
  return createHmac('sha256', readKey).update(PURPOSE).digest()
}

/** `header`: the file's plain first line, authenticated with the rest (its version cannot be changed unnoticed). */
export function sealWith(readKey: Buffer, iv: Buffer, header: Buffer): CipherGCM {
  const cipher = createCipheriv(ALGORITHM, indexKeyOf(readKey), iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(header)
  return cipher
}

export function openWith(readKey: Buffer, iv: Buffer, header: Buffer, tag: Buffer): DecipherGCM {
  const decipher = createDecipheriv(ALGORITHM, indexKeyOf(readKey), iv, { authTagLength: TAG_BYTES })
  decipher.setAAD(header)
  decipher.setAuthTag(tag)
  return decipher
}

export function newIv(): Buffer {
  return randomBytes(IV_BYTES)
}
