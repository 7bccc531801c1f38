import type { Provenance } from '#shared/dto'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'

const log = logger('library')

/**
 * Where each journal in the library came from (its /.journal/provenance.json), read once and kept:
 * the library list is redrawn often and must not read a peer's journal each time.
 */
export class ProvenanceCache {
  private readonly known = new Map<string, Provenance | null>()

  constructor(
    /** Called when a provenance read in the background turns out to be there (the list should show it). */
    private readonly onFound: (journal: Journal) => void,
    /** False once the journal left the library or the library closed: a late answer is dropped. */
    private readonly stillWanted: (journal: Journal) => boolean
  ) {}

  /** What is known now; a journal not read yet is read in the background (and `onFound` called). */
  peek(journal: Journal): Provenance | null {
    if (this.known.has(journal.id)) return this.known.get(journal.id) ?? null
    journal.provenance().then(
      (provenance) => {
        if (!this.stillWanted(journal)) return
        // "None" from a journal with nothing replicated yet is not an answer; ask again later.
        if (provenance || journal.drive.core.length > 0) this.known.set(journal.id, provenance)
        if (provenance) this.onFound(journal)
      },
      (error: unknown) => log.debug({ err: error, journal: journal.id }, 'provenance not readable yet')
    )
    return null
  }

  /** Waits for the record when it is not known yet (the window's header for one journal). */
  async read(journal: Journal): Promise<Provenance | null> {
    const provenance = this.known.get(journal.id) ?? (await journal.provenance())
    if (provenance) this.known.set(journal.id, provenance)
    return provenance
  }

  /** A fork just written: its provenance is known without reading it back. */
  set(key: string, provenance: Provenance): void {
    this.known.set(key, provenance)
  }
}
