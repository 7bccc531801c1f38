import { EventEmitter } from 'node:events'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { EntryDto } from '#shared/dto'
import type { PendingDownload } from '#shared/intake'
import { DurableLog } from './durable-log'
import type { RecordingJob } from './recording-event'
import { NotAudioError } from '../journal/audio-probe'
import { DownloadError } from './recording-downloader'
import { logger } from '../app/logging'

const log = logger('recordings')

interface QueuedRecording {
  job: RecordingJob
  attempts: number
  state: PendingDownload['state']
  lastError?: string
  nextAttemptAt?: number
}

/** What the queue's log holds: a job's latest state, or that it is finished. */
type QueueRecord = { item: QueuedRecording } | { done: string }

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

const defaultBackoff = (attempt: number): number => Math.min(5 * 60_000, 1000 * 2 ** (attempt - 1))

/**
 * Recordings Vonage announced and the app has not yet added, kept in a durable log under `dir`
 * that is synced before the webhook is acknowledged: a crash or restart at any point resumes
 * them. The same recording queued twice is one job; a job leaves the queue only after its entry
 * is in the journal, and adding is idempotent, so every recording lands exactly once.
 */
export class RecordingQueue extends EventEmitter<{ change: []; added: [RecordingJob, EntryDto]; failed: [RecordingJob, string] }> {
  private readonly items = new Map<string, QueuedRecording>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private running = 0
  private stopped = false
  private log: DurableLog<QueueRecord> | null = null
  private quietTimer: NodeJS.Timeout | null = null
  private burstStartedAt: number | null = null
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
    const { log, records } = await DurableLog.open<QueueRecord>(join(this.options.dir, 'queue.log'))
    for (const record of records) {
      if ('done' in record) this.items.delete(record.done)
      // Whatever was in flight when the app stopped starts over.
      else this.items.set(record.item.job.recordingUuid, { ...record.item, state: record.item.state === 'failed' ? 'failed' : 'waiting' })
    }
    // Start each run from a compact log: one line per job still pending.
    await log.rewrite([...this.items.values()].map((item) => ({ item })))
    this.log = log
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
    this.pumpWhenQuiet()
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
    if (this.quietTimer) clearTimeout(this.quietTimer)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    await this.log?.close()
  }

  private get downloadsDir(): string {
    return join(this.options.dir, 'downloads')
  }

  /**
   * Acknowledgements first: downloads start once a burst of webhooks has gone quiet for
   * BURST_QUIET_MS (each one costs a JWT signature and a request, CPU the acknowledgements would
   * wait behind), but never later than BURST_MAX_DEFER_MS after the burst began.
   */
  private pumpWhenQuiet(): void {
    const now = Date.now()
    this.burstStartedAt ??= now
    if (this.quietTimer) clearTimeout(this.quietTimer)
    const wait = Math.min(BURST_QUIET_MS, Math.max(0, this.burstStartedAt + BURST_MAX_DEFER_MS - now))
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null
      this.burstStartedAt = null
      this.pump()
    }, wait)
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
      let entry = await this.options.existingEntry(item.job)
      if (!entry) {
        await this.options.download(item.job, file)
        entry = await this.options.addToJournal(item.job, file)
      }
      this.items.delete(item.job.recordingUuid)
      await this.log?.append({ done: item.job.recordingUuid })
      this.emit('added', item.job, entry)
    } catch (error) {
      this.fail(item, error)
    } finally {
      // The next start clears the downloads folder too; a file left here is only space.
      await rm(file, { force: true }).catch((error: unknown) => log.warn({ err: error, file }, 'could not remove a downloaded file'))
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
    this.persist(item).catch((persistError: unknown) => log.error({ err: persistError, recording: item.job.recordingUuid }, 'cannot save a download job\'s state'))
  }

  private persist(item: QueuedRecording): Promise<void> {
    if (!this.log) throw new Error('The recording queue is not booted')
    return this.log.append({ item: { ...item } })
  }
}
