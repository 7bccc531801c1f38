/** Bytes per second over a sliding window, for progress displays (speeds of the last few seconds). */
export class SpeedMeter {
  private samples: Array<{ at: number; bytes: number }> = []

  constructor(
    private readonly windowMs = 3000,
    private readonly now: () => number = Date.now
  ) {}

  add(bytes: number): void {
    const at = this.now()
    const last = this.samples.at(-1)
    // One sample per 100 ms keeps the list short when thousands of blocks arrive a second.
    if (last && at - last.at < 100) last.bytes += bytes
    else this.samples.push({ at, bytes })
    this.prune(at)
  }

  bytesPerSecond(): number {
    const at = this.now()
    this.prune(at)
    const first = this.samples[0]
    if (!first) return 0
    const total = this.samples.reduce((sum, sample) => sum + sample.bytes, 0)
    // A transfer that started a moment ago is measured over its own age, not the full window.
    const span = Math.max(1000, Math.min(this.windowMs, at - first.at + 100))
    return Math.round((total * 1000) / span)
  }

  private prune(at: number): void {
    while (this.samples.length && at - this.samples[0]!.at > this.windowMs) this.samples.shift()
  }
}
