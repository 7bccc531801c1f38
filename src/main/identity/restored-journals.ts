import { join } from 'node:path'
import { readJsonFile, writeJsonFile } from '../storage/json-file'

export const RESTORED_FILE_NAME = 'restored-journals.json'

/** A restored own journal that may not write yet: what it must hold first, at the least. */
export interface RestoredJournal {
  /** Index and audio core lengths when the backup was made. */
  lengths: { index: number; audio: number }
  restoredAt: number
}

interface RestoredFileContent {
  format: 1
  journals: Record<string, RestoredJournal>
}

/**
 * The own journals brought back from a backup that have not caught up with their peers yet
 * (data dir/restored-journals.json). Restoring writes it before library.json, so a journal is
 * never in the library writable without its mark; the mark goes once the journal has caught up
 * or the user said this copy is the latest.
 */
export class RestoredJournals {
  private pendingWrite: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private readonly journals: Map<string, RestoredJournal>
  ) {}

  static async load(dataDir: string): Promise<RestoredJournals> {
    const file = join(dataDir, RESTORED_FILE_NAME)
    const content = await readJsonFile<Partial<RestoredFileContent>>(file, {})
    return new RestoredJournals(file, new Map(Object.entries(content.journals ?? {})))
  }

  /** Writes the marks for a restore into a data directory that has none. */
  static async create(dataDir: string, journals: Record<string, RestoredJournal>): Promise<void> {
    await writeJsonFile(join(dataDir, RESTORED_FILE_NAME), { format: 1, journals } satisfies RestoredFileContent)
  }

  get(key: string): RestoredJournal | null {
    return this.journals.get(key) ?? null
  }

  keys(): string[] {
    return [...this.journals.keys()]
  }

  /** The journal caught up (or the user chose to write anyway): it writes from now on, after restarts too. */
  settle(key: string): Promise<void> {
    if (!this.journals.delete(key)) return this.pendingWrite
    const snapshot: RestoredFileContent = { format: 1, journals: Object.fromEntries(this.journals) }
    this.pendingWrite = this.pendingWrite.catch(() => undefined).then(() => writeJsonFile(this.file, snapshot))
    return this.pendingWrite
  }
}
