import { EventEmitter } from 'node:events'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { EntryDto } from '#shared/dto'
import type { PendingDownload } from '#shared/intake'
import { DurableJobQueue, type QueuedJob } from './durable-job-queue'
import type { RecordingJob } from './recording-event'
import { NotAudioError } from '../journal/audio-probe'
import { DownloadError } from './recording-downloader'
import { logger } from '../app/logging'

const log = logger('recordings')

export interface RecordingQueueOptions {
  dir: string
  /** Downloads the recording to `file` (throws DownloadError). */
  download(job: RecordingJob, file: string): Promise<void>
  /** Adds the downloaded file to the journal; must be idempotent for the same recording. */
  addToJournal(job: RecordingJob, file: string): Promise<EntryDto>
  /** The entry a recording already became (a redelivered event), so it is not downloaded again. */
  existingEntry(job: RecordingJob): Promise<EntryDto | null>
  /** Downloads at once: most of a download is waiting on the network. */
  concurrency?: number
  maxAttempts?: number
  /** Delay before retry n (1-based). */
  backoffMs?: (attempt: number) => number
}

const BURST_QUIET_MS = 30
const BURST_MAX_DEFER_MS = 250

/**
 * Recordings Vonage announced and the app has not yet added, kept in a durable queue under `dir`
 * (`queue.log`) that is synced before the webhook is acknowledged: a crash or restart at any point
 * resumes them. The same recording queued twice is one job; a job leaves the queue only after its
 * entry is in the journal, and adding is idempotent, so every recording lands exactly once.
 */
export class RecordingQueue extends EventEmitter<{ change: []; added: [RecordingJob, EntryDto]; failed: [RecordingJob, string] }> {
  private readonly queue: DurableJobQueue<RecordingJob, EntryDto>
  private quietTimer: NodeJS.Timeout | null = null
  private burstStartedAt: number | null = null

  constructor(private readonly options: RecordingQueueOptions) {
    super()
    this.queue = new DurableJobQueue({
      file: join(options.dir, 'queue.log'),
      name: 'recordings',
      keyOf: (job) => job.recordingUuid,
      run: (item) => this.land(item),
      // A file that is not audio will not become audio by downloading it again.
      isRetryable: (error) => (error instanceof DownloadError ? error.retryable : !(error instanceof NotAudioError)),
      concurrency: options.concurrency ?? 32,
      maxAttempts: options.maxAttempts,
      backoffMs: options.backoffMs,
      startQueued: (start) => this.startWhenQuiet(start)
    })
    this.queue.on('change', () => this.emit('change'))
    this.queue.on('done', (job, entry) => this.emit('added', job, entry))
    this.queue.on('failed', (job, reason) => this.emit('failed', job, reason))
  }

  /** Reloads what a previous run left and starts working on it. */
  async boot(): Promise<void> {
    await mkdir(this.downloadsDir, { recursive: true })
    await this.queue.boot()
  }

  /** Durably queues a recording; returns false when it was already queued. */
  enqueue(job: RecordingJob): Promise<boolean> {
    return this.queue.enqueue(job)
  }

  has(recordingUuid: string): boolean {
    return this.queue.has(recordingUuid)
  }

  snapshot(): PendingDownload[] {
    return this.queue.snapshot().map(({ job, ...progress }) => ({ recordingUuid: job.recordingUuid, ...progress }))
  }

  /** Tries a failed (or waiting-to-retry) recording again now. */
  retry(recordingUuid: string): boolean {
    return this.queue.retry(recordingUuid)
  }

  async stop(): Promise<void> {
    if (this.quietTimer) clearTimeout(this.quietTimer)
    await this.queue.stop()
  }

  private get downloadsDir(): string {
    return join(this.options.dir, 'downloads')
  }

  /**
   * Acknowledgements first: downloads start once a burst of webhooks has gone quiet for
   * BURST_QUIET_MS (each one costs a JWT signature and a request, CPU the acknowledgements would
   * wait behind), but never later than BURST_MAX_DEFER_MS after the burst began.
   */
  private startWhenQuiet(start: () => void): void {
    const now = Date.now()
    this.burstStartedAt ??= now
    if (this.quietTimer) clearTimeout(this.quietTimer)
    const wait = Math.min(BURST_QUIET_MS, Math.max(0, this.burstStartedAt + BURST_MAX_DEFER_MS - now))
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null
      this.burstStartedAt = null
      start()
    }, wait)
  }

  /** The recording's entry: the one a redelivered event already made, else a new one. */
  private async land(item: QueuedJob<RecordingJob>): Promise<EntryDto> {
    item.attempts++
    const file = join(this.downloadsDir, `${item.job.recordingUuid}.mp3`)
    try {
      const existing = await this.options.existingEntry(item.job)
      if (existing) return existing
      await this.options.download(item.job, file)
      return await this.options.addToJournal(item.job, file)
    } finally {
      // A file left here is only space: the recording's next download writes over it.
      await rm(file, { force: true }).catch((error: unknown) => log.warn({ err: error, file }, 'could not remove a downloaded file'))
    }
  }
}
