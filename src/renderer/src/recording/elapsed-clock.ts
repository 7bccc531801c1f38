/** Time recorded so far, paused time left out: what the entry's duration will be. */
export class ElapsedClock {
  private before = 0
  private runningSince: number | null = null

  constructor(private readonly now: () => number = () => performance.now()) {}

  start(): void {
    this.before = 0
    this.runningSince = this.now()
  }

  pause(): void {
    if (this.runningSince === null) return
    this.before += this.now() - this.runningSince
    this.runningSince = null
  }

  resume(): void {
    if (this.runningSince === null) this.runningSince = this.now()
  }

  elapsedMs(): number {
    return this.before + (this.runningSince === null ? 0 : this.now() - this.runningSince)
  }
}
