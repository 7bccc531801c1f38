import { performance } from 'node:perf_hooks'

interface Waiter {
  due: number
  resolve: () => void
}

/**
 * One timer for every real-time audio leg. Vonage sends a frame every 20 ms on each call; with a
 * timer per frame, hundreds of simulated calls mean tens of thousands of timers a second and the
 * simulator, not the app under test, falls behind. Here one timer wakes at the earliest due time
 * and releases every leg whose frame is due.
 */
class FrameClock {
  private waiters: Waiter[] = []
  private timer: NodeJS.Timeout | null = null
  private timerDue = Infinity

  /** Resolves at `due` (a performance.now() time), or at once if it has passed. */
  until(due: number, signal?: AbortSignal): Promise<void> {
    if (due <= performance.now()) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(signal?.reason)
      }
      const waiter: Waiter = {
        due,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      if (signal?.aborted) return onAbort()
      this.waiters.push(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
      if (due < this.timerDue) this.arm(due)
    })
  }

  private arm(due: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timerDue = due
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - performance.now()))
  }

  private tick(): void {
    this.timer = null
    this.timerDue = Infinity
    const now = performance.now()
    const ready = this.waiters.filter((w) => w.due <= now)
    this.waiters = this.waiters.filter((w) => w.due > now)
    for (const waiter of ready) waiter.resolve()
    if (this.waiters.length > 0) this.arm(Math.min(...this.waiters.map((w) => w.due)))
  }
}

export const frameClock = new FrameClock()
