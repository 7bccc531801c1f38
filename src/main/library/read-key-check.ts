import type Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import type { Journal } from '../journal/journal'

/** What someone whose link's read key does not open the journal is told, wherever they try to read it. */
export const WRONG_READ_KEY_MESSAGE =
  'The read key in the link you added does not open this journal, so it is kept online here without being readable. Ask its author for its private link again and add that.'

/** What adding a link is told when its read key is found not to open the journal at once. */
export const WRONG_READ_KEY_IN_LINK = 'The read key in this link does not open this journal. Ask its author for its private link again.'

/** Opening a drive whose first block is here with a key that does not decrypt it fails decoding Hyperbee's header. */
export function isDecodingError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'DECODING_ERROR'
}

/**
 * Whether a journal opened with a read key can be read with it, once its first block is here
 * (from disk, or from the first peer that has it). Hypercore's block encryption has no
 * authentication: a wrong key, or a key given for a public journal, decrypts every block to noise
 * and each read then fails with a decoding error. The first block of a Hyperdrive's index is
 * Hyperbee's header, so whether it decodes as one tells. Rejects if the journal closes first.
 */
export function readKeyOpens(journal: Journal): Promise<boolean> {
  return Hyperbee.isHyperbee(journal.drive.core)
}

/**
 * Whether `readKey` opens the journal with index core `key`, judged from its first block when that
 * is on this disk already (held blind, or from an earlier run); null when it is not here yet. Asked
 * before a drive is opened with the key, because opening is no test: the header of a block
 * decrypted with a wrong key is noise, and noise sometimes decodes (then the drive opens, or fails
 * with some other error), where checking that it is Hyperbee's header does not pass by chance.
 */
export async function readKeyOpensLocalCopy(corestore: Corestore, key: Buffer, readKey: Buffer): Promise<boolean | null> {
  // Encryption belongs to the session: this one decrypts with the candidate key, the hold's does not decrypt.
  const core = corestore.get({ key, encryptionKey: readKey })
  try {
    await core.ready()
    if (!(await core.has(0))) return null
    return await Hyperbee.isHyperbee(core, { wait: false })
  } finally {
    await core.close()
  }
}
