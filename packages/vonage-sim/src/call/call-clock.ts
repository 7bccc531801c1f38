import { setTimeout as sleep } from 'node:timers/promises'

/**
 * A call's sense of time. Real time by default; in fast mode every wait returns at once and the
 * clock moves on by the time skipped, so timestamps, `start_time`/`end_time` and `duration` still
 * describe a call of the right length. Waits end early when the leg's current action is stopped
 * (`signal` is read at each wait: a leg gets a fresh one per action, so a transfer stops one action).
 */
export class CallClock {
  private skippedMs = 0

  constructor(
    readonly realtime: boolean,
    private readonly signal: () => AbortSignal
  ) {}

  now(): number {
    return Date.now() + this.skippedMs
  }

  /** Waits `ms` of call time; rejects if the action is stopped (hang-up, transfer) meanwhile. */
  async wait(ms: number): Promise<void> {
    const signal = this.signal()
    signal.throwIfAborted()
    if (ms <= 0) return
    if (!this.realtime) {
      this.skippedMs += ms
      return
    }
    await sleep(ms, undefined, { signal })
  }

  /** Accounts for call time that passed without waiting (fast streaming). */
  advance(ms: number): void {
    if (!this.realtime) this.skippedMs += ms
  }
}

/** ISO 8601 with milliseconds, as in Vonage's `timestamp`. */
export const isoMs = (ms: number): string => new Date(ms).toISOString()
/** ISO 8601 to the second, as in a recording event's `start_time`/`end_time`. */
export const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
