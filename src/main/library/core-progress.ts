import type { HypercoreLike } from 'hyperdrive'

/** How much of one core is held here; blocks are counted once at start, then by download events. */
export class CoreProgress {
  held = 0
  counted = false
  /** Next block the initial count will look at; downloads below it are not seen by the count. */
  private scanned = 0

  constructor(
    readonly core: HypercoreLike,
    onDownload: (bytes: number) => void
  ) {
    core.on('download', (index, bytes) => {
      if (this.counted || index < this.scanned) this.held++
      onDownload(bytes)
    })
  }

  /** Counts what is held; may run again when the length becomes known (downloads meanwhile count once). */
  async count(): Promise<void> {
    this.counted = false
    this.scanned = 0
    const length = this.core.length
    if (length > 0 && (await this.core.has(0, length))) {
      this.held = length
    } else {
      this.held = this.core.contiguousLength
      for (this.scanned = this.held; this.scanned < length; this.scanned++) if (await this.core.has(this.scanned)) this.held++
    }
    this.counted = true
  }

  get complete(): boolean {
    return this.counted && this.held >= this.core.length
  }

  get bytesHeld(): number {
    const { length, byteLength } = this.core
    if (!this.counted || length === 0) return 0
    // Blocks are 64 KiB but for the last of each file, so the share of blocks is the share of bytes.
    return this.held >= length ? byteLength : Math.round((byteLength * this.held) / length)
  }
}

