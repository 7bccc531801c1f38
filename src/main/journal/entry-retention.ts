import { logger } from '../app/logging'
import type { Journal } from './journal'

const log = logger('retention')

const DAY_MS = 24 * 60 * 60 * 1000
/** How often an always-on host looks again: an entry outlives its N days by an hour at most. */
export const RETENTION_CHECK_MS = 60 * 60 * 1000

export interface RetentionOptions {
  /** Entries recorded more than this many days ago go. */
  keepDays: number
  /** The journal to prune, looked up each time (the active one can change). */
  journal: () => Journal
  checkEveryMs?: number
}

/**
 * A host's retention (`--keep-days N`): the active journal's entries recorded more than N days
 * ago are deleted and their audio blocks erased here. Peers that copied them (a desktop that
 * collects the host's calls) keep their copies. Checked at start and then every hour.
 */
export class EntryRetention {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: RetentionOptions) {}

  start(): void {
    log.info({ keepDays: this.options.keepDays }, `entries recorded more than ${this.options.keepDays} days ago are deleted and erased, checked now and every hour`)
    const check = (): void => {
      this.running = this.sweep().catch((error: unknown) => log.error({ err: error }, 'the retention check failed; it runs again in an hour'))
    }
    check()
    this.timer = setInterval(check, this.options.checkEveryMs ?? RETENTION_CHECK_MS)
    // The timer alone must not keep a stopping process alive.
    this.timer.unref()
  }

  /**
   * Deletes (and erases) every entry recorded before `now` minus the kept days; returns their
   * paths. An entry that cannot be deleted now (the journal is catching up after a restore) is
   * left for the next check.
   */
  async sweep(now = Date.now()): Promise<string[]> {
    const journal = this.options.journal()
    const cutoff = now - this.options.keepDays * DAY_MS
    const old = (await journal.listEntries()).filter((entry) => entry.mtime < cutoff)
    const deleted: string[] = []
    for (const entry of old) {
      try {
        await journal.deleteEntry(entry.path, { erase: true })
        deleted.push(entry.path)
      } catch (error) {
        log.warn({ err: error, path: entry.path }, 'an entry past its retention was not deleted; the next check tries again')
      }
    }
    if (deleted.length > 0) {
      log.info({ journal: journal.id, deleted: deleted.length, keepDays: this.options.keepDays }, `deleted ${deleted.length} entries recorded more than ${this.options.keepDays} days ago`)
    }
    return deleted
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }
}
