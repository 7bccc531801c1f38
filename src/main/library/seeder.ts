import { EventEmitter } from 'node:events'
import type { SeedingProgress, SeedingState } from '#shared/dto'
import type { Journal } from '../journal/journal'
import { CoreProgress } from './core-progress'
import { SpeedMeter } from './speed-meter'
import { logger } from '../app/logging'

const log = logger('seeder')

/**
 * The seeding switch of one peer's journal: while 'seeding', every block of the index and the
 * audio (all versions: deleted entries' blocks too, so history plays offline) is downloaded,
 * and new ones as they are appended; what is held is served to anyone through the swarm either
 * way. 'paused' and 'off' stop downloading and keep what is held.
 */
export class Seeder extends EventEmitter<{ progress: [] }> {
  private readonly speed = new SpeedMeter()
  private readonly cores: CoreProgress[] = []
  private blobsKnown = false
  private ranges: Array<{ destroy(): void }> = []
  private closed = false
  /** The audio core's progress, once the index has named the core. */
  private audio: CoreProgress | null = null

  constructor(
    private readonly journal: Journal,
    private current: SeedingState
  ) {
    super()
    const onDownload = (bytes: number): void => {
      this.speed.add(bytes)
      this.emit('progress')
    }
    this.track(new CoreProgress(journal.drive.core, onDownload))
    // The audio core's key is inside the index, so it is known only after the first update.
    journal.drive.getBlobs().then(
      (blobs) => {
        if (this.closed) return
        this.blobsKnown = true
        this.audio = new CoreProgress(blobs.core, onDownload)
        this.track(this.audio)
        // Opened before any peer said how long it is, the audio core is empty here: ask, and once
        // its length arrives, count and download again (a range made on an empty core can miss it).
        let lengthKnown = blobs.core.length > 0
        blobs.core.on('append', () => {
          if (!lengthKnown && !this.closed) {
            lengthKnown = true
            this.recount(this.audio!)
            this.applyState()
          }
          this.emit('progress')
        })
        if (!lengthKnown && !journal.writable) {
          blobs.core.update({ wait: true }).catch((error: unknown) => log.debug({ err: error, journal: journal.id }, 'audio core length not known yet'))
        }
        this.applyState()
      },
      // The journal closed before its audio core was known: nothing left to seed.
      (error: unknown) => log.debug({ err: error, journal: journal.id }, 'audio core not opened')
    )
    journal.drive.core.on('append', () => this.emit('progress'))
    this.applyState()
  }

  get state(): SeedingState {
    return this.current
  }

  setState(state: SeedingState): void {
    if (state === this.current) return
    this.current = state
    this.applyState()
    this.emit('progress')
  }

  progress(): SeedingProgress {
    // An index with entries but an audio core of length 0 means the audio's length is not known
    // yet, not that there is none: that is not complete.
    const audioUnknown = this.journal.drive.core.length > 1 && (this.audio?.core.length ?? 0) === 0
    const complete = this.journal.writable || (this.blobsKnown && !audioUnknown && this.cores.every((core) => core.complete))
    return {
      state: this.current,
      bytesDownloaded: this.cores.reduce((sum, core) => sum + core.bytesHeld, 0),
      bytesTotal: this.cores.reduce((sum, core) => sum + core.core.byteLength, 0),
      bytesPerSecond: this.speed.bytesPerSecond(),
      complete
    }
  }

  close(): void {
    this.closed = true
    this.stopDownloads()
  }

  private track(progress: CoreProgress): void {
    this.cores.push(progress)
    this.recount(progress)
  }

  private recount(progress: CoreProgress): void {
    progress.count().then(
      () => this.emit('progress'),
      // Counting stops when the core closes; progress then simply stays where it was.
      (error: unknown) => log.debug({ err: error, journal: this.journal.id }, 'block count interrupted')
    )
  }

  private applyState(): void {
    this.stopDownloads()
    if (this.current !== 'seeding' || this.closed || this.journal.writable) return
    // end: -1 keeps the range open: blocks appended later are fetched as they appear.
    this.ranges = this.cores.map((progress) => progress.core.download({ start: 0, end: -1 }))
  }

  private stopDownloads(): void {
    for (const range of this.ranges) range.destroy()
    this.ranges = []
  }
}
