import { createCipheriv, createDecipheriv, createHmac, randomBytes, type CipherGCM, type DecipherGCM } from 'node:crypto'

/**
 * Why a private journal's files kept between runs (its search index, its entry list: see
 * journal-cache-file.ts) are sealed. Said of the search index, it holds for the list's titles and
 * first sentences alike. Why the index file of a private journal is sealed, and not just 0600: it holds the words of the
 * journal's transcripts in the clear, and the data directory holds no other lasting plain copy of
 * them. The Corestore keeps only Hypercore's encrypted blocks (a private journal's blocks are
 * encrypted before they are stored, and decrypted on each read); the read key is in
 * journal-keys.json, sealed with the system's key store in the desktop app where it has one (else
 * plain, relying on the file's 0600 mode, as on a headless host). The only plain copies are what is
 * still being taken in (`intake/`: a download, a transcript waiting for its recording;
 * `recordings-in-progress/`), deleted once it is in the journal. A plain index, even 0600, would
 * hand what was said to anyone who copies the folder (a home-directory backup, a stolen disk)
 * without the sealed key. So it is encrypted (AES-256-GCM) under a key derived from the journal's
 * read key: it opens for exactly who can read the journal, and the tag refuses a file changed or
 * cut short. A public journal's index is plain (0600 all the same): anyone can read the journal.
 */
const ALGORITHM = 'aes-256-gcm'
export const IV_BYTES = 12
export const TAG_BYTES = 16
/**
 * A key of its own, so the read key itself never encrypts anything but the journal's blocks. One
 * key for every kind of file: the file's kind is in its header, authenticated with the rest, so
 * one kind is never taken for another. The name stays as it was so existing files still open.
 */
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
