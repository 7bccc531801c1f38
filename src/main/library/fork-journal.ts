import MirrorDrive from 'mirror-drive'
import type { Provenance } from '#shared/dto'
import type { Journal } from '../journal/journal'

/**
 * Copies every entry of `source` at `version` (its audio and metadata, under /recordings) into
 * the new, empty writable journal `target`, then writes the provenance record into the target.
 * The source is only read. Blocks not held here are fetched from the source's peers.
 */
export async function copyIntoFork(source: Journal, version: number, target: Journal): Promise<Provenance> {
  const snapshot = source.drive.checkout(version)
  try {
    // prune: false: the target is new and empty; nothing in it may be removed by the copy.
    await new MirrorDrive(snapshot, target.drive, { prefix: '/recordings', prune: false }).done()
  } finally {
    await snapshot.close()
  }
  const provenance: Provenance = { forkedFrom: source.id, version, forkedAt: Date.now() }
  await target.writeProvenance(provenance)
  return provenance
}
