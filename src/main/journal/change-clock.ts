import { readJsonFile, writeJsonFile } from '../storage/json-file'
import { logger } from '../app/logging'

const log = logger('journal')

/**
 * Remembers when each journal last changed. Hyperdrive entries carry no time and deletions carry
 * no metadata at all, so "last updated" has to be what this machine saw, kept across restarts.
 */
export class ChangeClock {
  private times: Record<string, number> = {}
  private pendingWrite: Promise<void> = Promise.resolve()

  private constructor(private readonly file: string) {}

  static async load(file: string): Promise<ChangeClock> {
    const clock = new ChangeClock(file)
    clock.times = await readJsonFile<Record<string, number>>(file, {})
    return clock
  }

  lastChange(journalId: string): number | null {
    return this.times[journalId] ?? null
  }

  touch(journalId: string, at = Date.now()): void {
    if ((this.times[journalId] ?? 0) >= at) return
    this.times[journalId] = at
    // Writes are chained so two quick changes cannot finish out of order. A failed write costs only
    // "last updated" after a restart (the next change writes the whole file again), so it is logged, not thrown.
    this.pendingWrite = this.pendingWrite
      .then(() => writeJsonFile(this.file, this.times))
      .catch((error: unknown) => log.warn({ err: error, file: this.file }, 'could not save when journals last changed'))
  }

  flush(): Promise<void> {
    return this.pendingWrite
  }
}
