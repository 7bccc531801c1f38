import { ApiError } from '#shared/api'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import { CatchUp } from './catch-up'
import { RestoredJournals } from './restored-journals'

const log = logger('catch-up')

/** Finds an open journal of the library by key (Library.find). */
export interface JournalFinder {
  find(key: string): Journal | undefined
}

/**
 * The catch-up holds of a data directory's restored journals, from restored-journals.json, for
 * as long as the app runs. Booted right after the library (so before any call or import can
 * reach a restored journal), closed before it.
 */
export class RestoredJournalGates {
  private readonly gates = new Map<string, CatchUp>()

  private constructor(private readonly marks: RestoredJournals) {}

  static async boot(options: { dataDir: string; library: JournalFinder }): Promise<RestoredJournalGates> {
    const marks = await RestoredJournals.load(options.dataDir)
    const service = new RestoredJournalGates(marks)
    for (const key of marks.keys()) {
      const journal = options.library.find(key)
      if (!journal?.writable) {
        log.warn({ journal: key }, 'a journal marked as restored is not an open journal of yours; its mark is left as it is')
        continue
      }
      const gate = new CatchUp(journal, marks.get(key)!.lengths, () => marks.settle(key))
      service.gates.set(key, gate)
      gate.start()
    }
    return service
  }

  /** "This is the latest copy" for a restored journal still catching up (the window warned first). */
  async confirmLatestCopy(journal: Journal): Promise<void> {
    const gate = this.gates.get(journal.id)
    if (!gate || !journal.writeHold) throw new ApiError('bad-request', 'This journal is not catching up: it can be written already.')
    await gate.confirmLatest()
  }

  close(): void {
    for (const gate of this.gates.values()) gate.stop()
  }
}
