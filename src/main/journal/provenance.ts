import type { Provenance } from '#shared/dto'
import { normalize as normalizeKey } from 'hypercore-id-encoding'

/**
 * Where a fork records its origin. It lives inside the journal (not in local settings) so that
 * anyone who opens the fork, on any machine, sees where it came from. Outside /recordings, so
 * it is never listed as an entry.
 */
export const PROVENANCE_PATH = '/.journal/provenance.json'

export function encodeProvenance(provenance: Provenance): Buffer {
  return Buffer.from(JSON.stringify(provenance))
}

/** A peer's journal is untrusted input: anything that is not a well-formed record reads as none. */
export function decodeProvenance(bytes: Buffer | null): Provenance | null {
  if (!bytes || bytes.byteLength > 4096) return null
  try {
    const raw = JSON.parse(bytes.toString('utf8')) as Partial<Provenance>
    if (typeof raw.forkedFrom !== 'string' || !Number.isSafeInteger(raw.version) || !Number.isFinite(raw.forkedAt)) return null
    return { forkedFrom: normalizeKey(raw.forkedFrom), version: raw.version as number, forkedAt: raw.forkedAt as number }
  } catch {
    return null
  }
}
