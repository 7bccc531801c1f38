import { EventEmitter } from 'node:events'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { EntryDto } from '../../shared/dto'
import type { PendingDownload } from '../../shared/intake'
import { writeFileDurably } from './durable-file'
import type { RecordingJob } from './recording-event'
import { NotAudioError } from '../journal/audio-probe'
import { DownloadError } from './recording-downloader'

interface QueuedRecording {
  job: RecordingJob
  attempts: number
  state: PendingDownload['state']
  lastError?: string
  nextAttemptAt?: number
}

export interface RecordingQueueOptions {
  dir: string
  /** Downloads the recording to `file` (throws DownloadError). */
  download(job: RecordingJob, file: string): Promise<void>
  /** Adds the downloaded file to the journal; must be idempotent for the same recording. */
  addToJournal(job: RecordingJob, file: string): Promise<EntryDto>
  /** Downloads at once: most of a download is waiting on the network. */
  concurrency?: number
  maxAttempts?: number
  /** Delay before retry n (1-based). */
  backoffMs?: (attempt: number) => number
}

const defaultBackoff = (attempt: number): number => Math.min(5 * 60_000, 1000 * 2 ** (attempt - 1))

/**
 * Recordings Vonage announced and the app has not yet added, kept as one small file each under
 * `dir` and written before the webhook is acknowledged: a crash or restart at any point resumes
 * them. The same recording queued twice is one job; a job leaves the queue only after its entry
 * is in the journal, and adding is idempotent, so every recording lands exactly once.
 */
export class RecordingQueue extends EventEmitter<{ change: []; added: [RecordingJob, EntryDto]; failed: [RecordingJob, string] }> {
  private readonly items = new Map<string, QueuedRecording>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private running = 0
  private stopped = false
  private readonly concurrency: number
  private readonly maxAttempts: number
  private readonly backoffMs: (attempt: number) => number

  constructor(private readonly options: RecordingQueueOptions) {
    super()
    this.concurrency = options.concurrency ?? 32
    this.maxAttempts = options.maxAttempts ?? 8
    this.backoffMs = options.backoffMs ?? defaultBackoff
  }

  /** Reloads what a previous run left and starts working on it. */
  async boot(): Promise<void> {
    await mkdir(this.downloadsDir, { recursive: true })
    for (const name of await readdir(this.options.dir)) {
      if (!name.endsWith('.json')) continue
      try {
        const item = JSON.parse(await readFile(join(this.options.dir, name), 'utf8')) as QueuedRecording
        // Whatever was in flight when the app stopped starts over.
        this.items.set(item.job.recordingUuid, { ...item, state: item.state === 'failed' ? 'failed' : 'waiting' })
      } catch {
        // A job file is written whole by rename, so an unreadable one is not ours; leave it.
      }
    }
    this.pump()
  }

  /** Durably queues a recording; returns false when it was already queued. */
  async enqueue(job: RecordingJob): Promise<boolean> {
    if (this.items.has(job.recordingUuid)) return false
    const item: QueuedRecording = { job, attempts: 0, state: 'waiting' }
    this.items.set(job.recordingUuid, item)
    try {
      await this.persist(item)
    } catch (error) {
      this.items.delete(job.recordingUuid)
      throw error
    }
    this.emit('change')
    this.pump()
    return true
  }

  has(recordingUuid: string): boolean {
    return this.items.has(recordingUuid)
  }

  snapshot(): PendingDownload[] {
    return [...this.items.values()].map(({ job, attempts, state, lastError, nextAttemptAt }) => ({
      recordingUuid: job.recordingUuid,
      state,
      attempts,
      ...(lastError ? { lastError } : {}),
      ...(nextAttemptAt && state === 'retrying' ? { nextAttemptAt } : {})
    }))
  }

  /** Tries a failed (or waiting-to-retry) recording again now. */
  retry(recordingUuid: string): boolean {
    const item = this.items.get(recordingUuid)
    if (!item || item.state === 'downloading') return false
    item.state = 'waiting'
    delete item.nextAttemptAt
    this.emit('change')
    this.pump()
    return true
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  private get downloadsDir(): string {
    return join(this.options.dir, 'downloads')
  }

  private pump(): void {
    if (this.stopped) return
    for (const item of this.items.values()) {
      if (this.running >= this.concurrency) return
      if (item.state === 'waiting') void this.work(item)
    }
  }

  private async work(item: QueuedRecording): Promise<void> {
    this.running++
    item.state = 'downloading'
    item.attempts++
    this.emit('change')
    const file = join(this.downloadsDir, `${item.job.recordingUuid}.mp3`)
    try {
      await this.options.download(item.job, file)
      const entry = await this.options.addToJournal(item.job, file)
      this.items.delete(item.job.recordingUuid)
      await rm(this.jobFile(item), { force: true })
      this.emit('added', item.job, entry)
    } catch (error) {
      this.fail(item, error)
    } finally {
      await rm(file, { force: true }).catch(() => {})
      this.running--
      this.emit('change')
      this.pump()
    }
  }

  private fail(item: QueuedRecording, error: unknown): void {
    // A file that is not audio will not become audio by downloading it again.
    const retryable = error instanceof DownloadError ? error.retryable : !(error instanceof NotAudioError)
    item.lastError = error instanceof Error ? error.message : String(error)
    if (this.stopped) return
    if (!retryable || item.attempts >= this.maxAttempts) {
      item.state = 'failed'
      delete item.nextAttemptAt
      this.emit('failed', item.job, item.lastError)
    } else {
      item.state = 'retrying'
      const delay = this.backoffMs(item.attempts)
      item.nextAttemptAt = Date.now() + delay
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        if (item.state !== 'retrying') return
        item.state = 'waiting'
        this.pump()
      }, delay)
      this.timers.add(timer)
    }
    this.persist(item).catch((persistError: unknown) => console.error('[recordings] cannot save job state:', persistError))
  }

  private jobFile(item: QueuedRecording): string {
    return join(this.options.dir, `${item.job.recordingUuid}.json`)
  }

  private persist(item: QueuedRecording): Promise<void> {
    return writeFileDurably(this.jobFile(item), JSON.stringify(item))
  }
}
