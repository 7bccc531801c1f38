import { EventEmitter } from 'node:events'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { PendingDownload } from '#shared/intake'
import type { Transcript } from '#shared/transcript'
import { DurableLog } from './durable-log'
import { DownloadError } from './recording-downloader'
import type { TranscriptJob } from './transcription-event'
import { logger } from '../app/logging'

const log = logger('transcripts')

interface QueuedTranscript {
  job: TranscriptJob
  /** Download attempts (waiting for the recording is not one). */
  attempts: number
  state: PendingDownload['state']
  /** Downloaded and kept here; its recording is not in the journal yet. */
  awaitingRecording?: boolean
  /** Looks for the recording made so far while waiting for it (the backoff between them grows). */
  recordingChecks?: number
  lastError?: string
  nextAttemptAt?: number
}

/** What the queue's log holds: a job's latest state, or that it is finished. */
type QueueRecord = { item: QueuedTranscript } | { done: string }

export interface TranscriptQueueOptions {
  dir: string
  /** Downloads the transcript to `file` and returns it checked (throws DownloadError). */
  download(job: TranscriptJob, file: string): Promise<Transcript>
  /** Reads back a transcript this queue downloaded and kept (throws when it is not one). */
  readKept(file: string): Promise<Transcript>
  /** The path of the entry the recording became, or null while it is not in the journal. */
  findEntry(job: TranscriptJob): Promise<string | null>
  /** The entry has a transcript already (a redelivered event; or corrected by hand: kept as it is). */
  hasTranscript(entryPath: string): Promise<boolean>
  /** Writes the transcript beside its entry; idempotent. */
  store(entryPath: string, transcript: Transcript): Promise<void>
  maxAttempts?: number
  /** Delay before download retry n (1-based). */
  backoffMs?: (attempt: number) => number
  /** Delay before looking for the recording again, the n-th time (1-based); a landing recording ends the wait at once. */
  recordingCheckMs?: (check: number) => number
  /** How long a transcript waits for its recording before it fails (Vonage keeps recordings 30 days). */
  recordingWaitLimitMs?: number
}

const DAY_MS = 24 * 60 * 60 * 1000
const defaultBackoff = (attempt: number): number => Math.min(5 * 60_000, 1000 * 2 ** (attempt - 1))
const defaultRecordingCheck = (check: number): number => Math.min(10 * 60_000, 2000 * 2 ** (check - 1))
const AWAITING_RECORDING = 'Downloaded; waiting for its recording to be in the journal'

/**
 * Transcripts Vonage announced and the journal does not hold yet, in a durable log under `dir`
 * synced before the webhook is acknowledged (as the recording queue's). A worker downloads each
 * one (kept under `dir/downloads` once checked, so waiting costs no second download) and writes it
 * beside its recording's entry. A transcript that comes before its recording waits: it is tried
 * again when a recording lands (`recordingLanded`) and, with a growing backoff, on its own. The
 * same recording's transcript queued twice is one job; a job leaves the queue only once the
 * journal has the transcript, so each recording gets exactly one.
 */
export class TranscriptQueue extends EventEmitter<{ change: []; stored: [TranscriptJob, string]; failed: [TranscriptJob, string] }> {
  private readonly items = new Map<string, QueuedTranscript>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private running = 0
  private stopped = false
  private log: DurableLog<QueueRecord> | null = null
  private readonly maxAttempts: number
  private readonly backoffMs: (attempt: number) => number
  private readonly recordingCheckMs: (check: number) => number
  private readonly recordingWaitLimitMs: number
  /** Transcripts are small and few; two at once keep the recordings' downloads first. */
  private readonly concurrency = 2

  constructor(private readonly options: TranscriptQueueOptions) {
    super()
    this.maxAttempts = options.maxAttempts ?? 8
    this.backoffMs = options.backoffMs ?? defaultBackoff
    this.recordingCheckMs = options.recordingCheckMs ?? defaultRecordingCheck
    this.recordingWaitLimitMs = options.recordingWaitLimitMs ?? 31 * DAY_MS
  }

  /** Reloads what a previous run left and starts working on it. */
  async boot(): Promise<void> {
    await mkdir(this.downloadsDir, { recursive: true })
    // A download cut off by a crash is never read: it is fetched again.
    for (const name of await readdir(this.downloadsDir)) if (name.endsWith('.part')) await rm(join(this.downloadsDir, name), { force: true })
    const { log, records } = await DurableLog.open<QueueRecord>(join(this.options.dir, 'queue.log'))
    for (const record of records) {
      if ('done' in record) this.items.delete(record.done)
      else this.items.set(record.item.job.recordingUuid, { ...record.item, state: record.item.state === 'failed' ? 'failed' : 'waiting' })
    }
    await log.rewrite([...this.items.values()].map((item) => ({ item })))
    this.log = log
    this.pump()
  }

  /** Durably queues a transcript; returns false when that recording's transcript is already queued. */
  async enqueue(job: TranscriptJob): Promise<boolean> {
    if (this.items.has(job.recordingUuid)) return false
    const item: QueuedTranscript = { job, attempts: 0, state: 'waiting' }
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

  /** A recording became an entry: its transcript, if it was waiting for it, goes in now. */
  recordingLanded(recordingUuid: string): void {
    const item = this.items.get(recordingUuid)
    if (item?.awaitingRecording && item.state === 'retrying') this.wake(item)
  }

  has(recordingUuid: string): boolean {
    return this.items.has(recordingUuid)
  }

  snapshot(): PendingDownload[] {
    return [...this.items.values()].map(({ job, attempts, state, lastError, nextAttemptAt }) => ({
      kind: 'transcript' as const,
      recordingUuid: job.recordingUuid,
      state,
      attempts,
      ...(lastError ? { lastError } : {}),
      ...(nextAttemptAt && state === 'retrying' ? { nextAttemptAt } : {})
    }))
  }

  /** Tries a failed (or waiting) transcript again now. */
  retry(recordingUuid: string): boolean {
    const item = this.items.get(recordingUuid)
    if (!item || item.state === 'downloading') return false
    if (item.state === 'failed') item.attempts = 0
    this.wake(item)
    return true
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    await this.log?.close()
  }

  private get downloadsDir(): string {
    return join(this.options.dir, 'downloads')
  }

  private keptFile(item: QueuedTranscript): string {
    return join(this.downloadsDir, `${item.job.recordingUuid}.json`)
  }

  private wake(item: QueuedTranscript): void {
    const timer = this.timers.get(item.job.recordingUuid)
    if (timer) clearTimeout(timer)
    this.timers.delete(item.job.recordingUuid)
    item.state = 'waiting'
    delete item.nextAttemptAt
    this.emit('change')
    this.pump()
  }

  private pump(): void {
    if (this.stopped) return
    for (const item of this.items.values()) {
      if (this.running >= this.concurrency) return
      if (item.state === 'waiting') void this.work(item)
    }
  }

  private async work(item: QueuedTranscript): Promise<void> {
    this.running++
    item.state = 'downloading'
    this.emit('change')
    const kept = this.keptFile(item)
    try {
      const entryPath = await this.options.findEntry(item.job)
      // A redelivered event for a transcript the journal holds: nothing to fetch.
      if (!entryPath || !(await this.options.hasTranscript(entryPath))) {
        const transcript = await this.transcriptOf(item, kept)
        if (!entryPath) {
          this.awaitRecording(item)
          return
        }
        await this.options.store(entryPath, transcript)
        this.emit('stored', item.job, entryPath)
      }
      this.items.delete(item.job.recordingUuid)
      await this.log?.append({ done: item.job.recordingUuid })
      await rm(kept, { force: true })
    } catch (error) {
      this.fail(item, error)
    } finally {
      this.running--
      this.emit('change')
      this.pump()
    }
  }

  /** The kept download, else a new one (checked before it is kept). */
  private async transcriptOf(item: QueuedTranscript, kept: string): Promise<Transcript> {
    if (await stat(kept).then(() => true, () => false)) {
      try {
        return await this.options.readKept(kept)
      } catch (error) {
        log.warn({ err: error, recording: item.job.recordingUuid }, 'a kept transcript could not be read; downloading it again')
        await rm(kept, { force: true })
      }
    }
    item.attempts++
    const part = `${kept}.part`
    try {
      const transcript = await this.options.download(item.job, part)
      await rename(part, kept)
      return transcript
    } finally {
      await rm(part, { force: true })
    }
  }

  private awaitRecording(item: QueuedTranscript): void {
    if (Date.now() - item.job.receivedAt > this.recordingWaitLimitMs) {
      this.fail(item, new DownloadError('Its recording never arrived in the journal', false))
      return
    }
    item.awaitingRecording = true
    item.recordingChecks = (item.recordingChecks ?? 0) + 1
    item.lastError = AWAITING_RECORDING
    this.later(item, this.recordingCheckMs(item.recordingChecks))
    this.persist(item).catch((error: unknown) => log.error({ err: error, recording: item.job.recordingUuid }, "cannot save a transcript job's state"))
  }

  private fail(item: QueuedTranscript, error: unknown): void {
    const retryable = error instanceof DownloadError ? error.retryable : true
    item.lastError = error instanceof Error ? error.message : String(error)
    if (this.stopped) return
    if (!retryable || item.attempts >= this.maxAttempts) {
      item.state = 'failed'
      delete item.nextAttemptAt
      this.emit('failed', item.job, item.lastError)
    } else {
      this.later(item, this.backoffMs(Math.max(1, item.attempts)))
    }
    this.persist(item).catch((persistError: unknown) => log.error({ err: persistError, recording: item.job.recordingUuid }, "cannot save a transcript job's state"))
  }

  private later(item: QueuedTranscript, delay: number): void {
    if (this.stopped) return
    item.state = 'retrying'
    item.nextAttemptAt = Date.now() + delay
    const timer = setTimeout(() => {
      this.timers.delete(item.job.recordingUuid)
      if (item.state === 'retrying') this.wake(item)
    }, delay)
    this.timers.set(item.job.recordingUuid, timer)
  }

  private persist(item: QueuedTranscript): Promise<void> {
    if (!this.log) throw new Error('The transcript queue is not booted')
    return this.log.append({ item: { ...item } })
  }
}
