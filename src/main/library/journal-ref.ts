import { decode as decodeKey, normalize as normalizeKey } from 'hypercore-id-encoding'
import { ApiError } from '#shared/api'
import { KEY_HELP } from '#shared/journal-key'

/** The key a journal argument names (z-base-32 or hex, any case, spaces around), as the library keeps it. */
export function journalKeyOf(ref: string): string | null {
  try {
    return normalizeKey(ref.trim().toLowerCase())
  } catch {
    return null // not a key at all: the caller says what a key looks like
  }
}

/** A read key from a link: 32 bytes, or the link is refused with the key help. */
export function decodeReadKey(text: string): Buffer {
  try {
    const bytes = decodeKey(text)
    if (bytes.length === 32) return bytes
  } catch {
    // falls through to the refusal below
  }
  throw new ApiError('bad-request', KEY_HELP, 'link')
}
