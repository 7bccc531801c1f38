/**
 * Turns bursts into one call per key and interval: a sync of thousands of blocks, or a peer that
 * comes and goes, becomes one push to the window instead of thousands. A key with a timer pending
 * is not scheduled again; once closed, nothing runs.
 */
export class EventPacer {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private closed = false

  /** Runs `run` after `delayMs`, unless a run for `key` is already pending. */
  later(key: string, delayMs: number, run: () => void): void {
    if (this.closed || this.timers.has(key)) return
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key)
        if (!this.closed) run()
      }, delayMs)
    )
  }

  /** Drops the pending runs whose key starts with `prefix` (a journal leaving the library). */
  cancel(prefix: string): void {
    for (const [key, timer] of this.timers) {
      if (!key.startsWith(prefix)) continue
      clearTimeout(timer)
      this.timers.delete(key)
    }
  }

  close(): void {
    this.closed = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}
