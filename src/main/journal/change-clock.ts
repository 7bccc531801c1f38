import { logger } from '../app/logging'
import { readJsonFile, writeJsonFile } from '../storage/json-file'

const log = logger('change-clock')

/**
 * Remembers when each journal last changed. Hyperdrive entries carry no time and deletions carry
 * no metadata at all, so "last updated" has to be what this machine saw, kept across restarts.
 */
export class ChangeClock {
  private times: Record<string, number> = {}
  private pendingWrite: Promise<void> = Promise.resolve()
  private writing = false
  /** Changed since the write in progress began. */
  private dirty = false

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
    this.dirty = true
    // One write at a time, always of the latest times: a burst of changes (a thousand calls
    // landing together) costs a few writes instead of one queued per change.
    if (!this.writing) this.pendingWrite = this.writeWhileDirty()
  }

  /** Resolves once every change so far is saved. */
  flush(): Promise<void> {
    return this.pendingWrite
  }

  private async writeWhileDirty(): Promise<void> {
    this.writing = true
    try {
      while (this.dirty) {
        this.dirty = false
        try {
          await writeJsonFile(this.file, this.times)
        } catch (error) {
          // Only "last updated" is at stake; the next change tries again.
          log.warn({ err: error, file: this.file }, 'could not save when the journals last changed')
        }
      }
    } finally {
      this.writing = false
    }
  }
}
