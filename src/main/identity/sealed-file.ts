import sodium from 'sodium-native'

/**
 * A passphrase-sealed file: Argon2id turns the passphrase into a key, XChaCha20-Poly1305 seals
 * the content with the file's header as associated data, so neither can be changed unnoticed.
 *
 *   "voice-journal-backup\n"        magic, readable with `head -1`
 *   uint16 BE                       format version (1)
 *   uint32 BE                       header length
 *   header                          JSON: Argon2 salt and limits, nonce, passphrase check, body length
 *   32 bytes                        BLAKE2b of everything above: a damaged header is told from a wrong passphrase
 *   body                            the sealed content (+16 bytes of tag)
 *
 * The Argon2 limits are in the header, so a later version can raise them and still open older files.
 */
export const MAGIC = Buffer.from('voice-journal-backup\n', 'ascii')
export const FORMAT_VERSION = 1
const VERSION_BYTES = 2
const HEADER_LENGTH_BYTES = 4
const CHECKSUM_BYTES = 32
const KEY_BYTES = 32
/** A header is a few hundred bytes; anything far larger is not one of ours. */
const MAX_HEADER_BYTES = 64 * 1024
export const MIN_PASSPHRASE_LENGTH = 8

/** Moderate: about a second and 256 MiB once per backup or restore (libsodium's "moderate" limits). */
export const DEFAULT_LIMITS = { opslimit: sodium.crypto_pwhash_OPSLIMIT_MODERATE, memlimit: sodium.crypto_pwhash_MEMLIMIT_MODERATE }
/** What a file may ask of this machine: up to libsodium's "sensitive" memory, four times its passes. */
const MAX_OPSLIMIT = 4 * sodium.crypto_pwhash_OPSLIMIT_SENSITIVE
const MAX_MEMLIMIT = sodium.crypto_pwhash_MEMLIMIT_SENSITIVE

export type SealedFileProblem = 'not-a-backup' | 'unsupported-version' | 'damaged' | 'wrong-passphrase' | 'weak-passphrase'

/** Why a sealed file cannot be written or opened, in a sentence fit for the user. */
export class SealedFileError extends Error {
  constructor(
    readonly problem: SealedFileProblem,
    message: string
  ) {
    super(message)
    this.name = 'SealedFileError'
  }
}

interface Header {
  kdf: { alg: 'argon2id13'; salt: string; opslimit: number; memlimit: number }
  cipher: { alg: 'xchacha20poly1305-ietf'; nonce: string }
  /** A keyed hash of a word, derived from the passphrase like the key: tells a wrong passphrase from a damaged body. */
  passphraseCheck: string
  bodyBytes: number
}

export interface SealLimits {
  opslimit: number
  memlimit: number
}

export async function seal(plain: Buffer, passphrase: string, limits: SealLimits = DEFAULT_LIMITS): Promise<Buffer> {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new SealedFileError('weak-passphrase', `A backup passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`)
  }
  const salt = random(sodium.crypto_pwhash_SALTBYTES)
  const nonce = random(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
  const keys = await deriveKeys(passphrase, salt, limits)
  const header: Header = {
    kdf: { alg: 'argon2id13', salt: salt.toString('base64'), ...limits },
    cipher: { alg: 'xchacha20poly1305-ietf', nonce: nonce.toString('base64') },
    passphraseCheck: keys.check.toString('base64'),
    bodyBytes: plain.length + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
  }
  const front = frontOf(header)
  const body = Buffer.alloc(header.bodyBytes)
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(body, plain, front, null, nonce, keys.encryption)
  sodium.sodium_memzero(keys.encryption)
  return Buffer.concat([front, checksum(front), body])
}

/** The content of a sealed file; throws SealedFileError saying what is wrong, having written nothing. */
export async function unseal(file: Buffer, passphrase: string): Promise<Buffer> {
  if (file.length < MAGIC.length || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SealedFileError('not-a-backup', 'This file is not a Voice Journal backup.')
  }
  let offset = MAGIC.length
  if (file.length < offset + VERSION_BYTES + HEADER_LENGTH_BYTES) throw damaged('it ends inside its header')
  const version = file.readUInt16BE(offset)
  if (version !== FORMAT_VERSION) {
    throw new SealedFileError(
      'unsupported-version',
      `This backup is in format ${version}, which this Voice Journal cannot read (it reads format ${FORMAT_VERSION}): restore it with a newer Voice Journal.`
    )
  }
  offset += VERSION_BYTES
  const headerBytes = file.readUInt32BE(offset)
  offset += HEADER_LENGTH_BYTES
  if (headerBytes > MAX_HEADER_BYTES || file.length < offset + headerBytes + CHECKSUM_BYTES) throw damaged('it ends inside its header')
  const front = file.subarray(0, offset + headerBytes)
  if (!checksum(front).equals(file.subarray(front.length, front.length + CHECKSUM_BYTES))) throw damaged('its header does not match its checksum')
  const header = parseHeader(file.subarray(offset, offset + headerBytes))
  const body = file.subarray(front.length + CHECKSUM_BYTES)
  if (body.length < header.bodyBytes) throw damaged(`it is cut short (${body.length} of ${header.bodyBytes} bytes of sealed content)`)
  if (body.length > header.bodyBytes) throw damaged('it has bytes after its end')
  const keys = await deriveKeys(passphrase, Buffer.from(header.kdf.salt, 'base64'), header.kdf)
  if (!keys.check.equals(Buffer.from(header.passphraseCheck, 'base64'))) {
    throw new SealedFileError('wrong-passphrase', 'That passphrase does not open this backup. Try again: it is the one you chose when you made the backup.')
  }
  const plain = Buffer.alloc(body.length - sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES)
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(plain, null, body, front, Buffer.from(header.cipher.nonce, 'base64'), keys.encryption)
  } catch {
    // The passphrase is right (its check matched), so the sealed bytes themselves were changed.
    throw damaged('its content does not match its seal')
  } finally {
    sodium.sodium_memzero(keys.encryption)
  }
  return plain
}

export function damaged(why: string): SealedFileError {
  return new SealedFileError('damaged', `This backup file is damaged (${why}): nothing was restored. Use another copy of it.`)
}

function frontOf(header: Header): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const numbers = Buffer.alloc(VERSION_BYTES + HEADER_LENGTH_BYTES)
  numbers.writeUInt16BE(FORMAT_VERSION, 0)
  numbers.writeUInt32BE(json.length, VERSION_BYTES)
  return Buffer.concat([MAGIC, numbers, json])
}

function parseHeader(bytes: Buffer): Header {
  let header: Header
  try {
    header = JSON.parse(bytes.toString('utf8')) as Header
  } catch {
    throw damaged('its header is not readable')
  }
  const { kdf, cipher } = header ?? {}
  const fits =
    kdf?.alg === 'argon2id13' &&
    Buffer.from(String(kdf.salt), 'base64').length === sodium.crypto_pwhash_SALTBYTES &&
    Number.isSafeInteger(kdf.opslimit) &&
    kdf.opslimit >= sodium.crypto_pwhash_OPSLIMIT_MIN &&
    kdf.opslimit <= MAX_OPSLIMIT &&
    Number.isSafeInteger(kdf.memlimit) &&
    kdf.memlimit >= sodium.crypto_pwhash_MEMLIMIT_MIN &&
    kdf.memlimit <= MAX_MEMLIMIT &&
    cipher?.alg === 'xchacha20poly1305-ietf' &&
    Buffer.from(String(cipher.nonce), 'base64').length === sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES &&
    Buffer.from(String(header.passphraseCheck), 'base64').length === KEY_BYTES &&
    Number.isSafeInteger(header.bodyBytes) &&
    header.bodyBytes >= sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES
  if (!fits) throw damaged('its header names settings no Voice Journal writes')
  return header
}

/** One Argon2id run, split into the content key and the passphrase check (keyed BLAKE2b, one word each). */
async function deriveKeys(passphrase: string, salt: Buffer, limits: SealLimits): Promise<{ encryption: Buffer; check: Buffer }> {
  const master = Buffer.alloc(KEY_BYTES)
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8')
  try {
    await sodium.crypto_pwhash_async(master, secret, salt, limits.opslimit, limits.memlimit, sodium.crypto_pwhash_ALG_ARGON2ID13)
    const encryption = Buffer.alloc(KEY_BYTES)
    const check = Buffer.alloc(KEY_BYTES)
    sodium.crypto_generichash(encryption, Buffer.from('voice-journal backup: content key'), master)
    sodium.crypto_generichash(check, Buffer.from('voice-journal backup: passphrase check'), master)
    return { encryption, check }
  } finally {
    sodium.sodium_memzero(master)
    sodium.sodium_memzero(secret)
  }
}

function checksum(bytes: Buffer): Buffer {
  const out = Buffer.alloc(CHECKSUM_BYTES)
  sodium.crypto_generichash(out, bytes)
  return out
}

function random(bytes: number): Buffer {
  const out = Buffer.alloc(bytes)
  sodium.randombytes_buf(out)
  return out
}
