import { EventEmitter } from 'node:events'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { PendingDownload } from '#shared/intake'
import type { Transcript } from '#shared/transcript'
import type { Journal } from '../journal/journal'
import { DurableJobQueue, NotYet, type QueuedJob } from './durable-job-queue'
import { DownloadError } from './recording-downloader'
import type { TranscriptJob } from './transcription-event'
import { logger } from '../app/logging'

const log = logger('transcripts')

/** A queued transcript; attempts count downloads (waiting for the recording is not one). */
interface QueuedTranscript extends QueuedJob<TranscriptJob> {
  /** Downloaded and kept here; its recording is not in the journal yet. */
  awaitingRecording?: boolean
  /** Looks for the recording made so far while waiting for it (the backoff between them grows). */
  recordingChecks?: number
}

/** Where a recording's entry is: the journal it landed in, and its path there. */
export interface RecordingEntry {
  journal: Journal
  path: string
}

/** `Entry` is what names a recording's entry; the queue itself reads only its path. */
export interface TranscriptQueueOptions<Entry extends { path: string } = RecordingEntry> {
  dir: string
  /** Downloads the transcript to `file` and returns it checked (throws DownloadError). */
  download(job: TranscriptJob, file: string): Promise<Transcript>
  /** Reads back a transcript this queue downloaded and kept (throws when it is not one). */
  readKept(file: string): Promise<Transcript>
  /** The entry the recording became (in whichever journal it landed), or null while there is none. */
  findEntry(job: TranscriptJob): Promise<Entry | null>
  /** The entry has a transcript already (a redelivered event; or corrected by hand: kept as it is). */
  hasTranscript(entry: Entry): Promise<boolean>
  /** Writes the transcript beside its entry; idempotent. */
  store(entry: Entry, transcript: Transcript): Promise<void>
  maxAttempts?: number
  /** Delay before download retry n (1-based). */
  backoffMs?: (attempt: number) => number
  /** Delay before looking for the recording again, the n-th time (1-based); a landing recording ends the wait at once. */
  recordingCheckMs?: (check: number) => number
  /** How long a transcript waits for its recording before it fails (Vonage keeps recordings 30 days). */
  recordingWaitLimitMs?: number
}

const DAY_MS = 24 * 60 * 60 * 1000
const defaultRecordingCheck = (check: number): number => Math.min(10 * 60_000, 2000 * 2 ** (check - 1))
const AWAITING_RECORDING = 'Downloaded; waiting for its recording to be in the journal'
/** Transcripts are small and few; two at once keep the recordings' downloads first. */
const CONCURRENCY = 2

/**
 * Transcripts Vonage announced and the journal does not hold yet, in a durable queue under `dir`
 * (`queue.log`) synced before the webhook is acknowledged (as the recording queue's). A worker
 * downloads each one (kept under `dir/downloads` once checked, so waiting costs no second
 * download) and writes it beside its recording's entry. A transcript that comes before its
 * recording waits: it is tried again when a recording lands (`recordingLanded`) and, with a
 * growing backoff, on its own. The same recording's transcript queued twice is one job; a job
 * leaves the queue only once the journal has the transcript, so each recording gets exactly one.
 */
export class TranscriptQueue<Entry extends { path: string } = RecordingEntry> extends EventEmitter<{ change: []; stored: [TranscriptJob, string]; failed: [TranscriptJob, string] }> {
  private readonly queue: DurableJobQueue<TranscriptJob, undefined, QueuedTranscript>
  private readonly recordingCheckMs: (check: number) => number
  private readonly recordingWaitLimitMs: number

  constructor(private readonly options: TranscriptQueueOptions<Entry>) {
    super()
    this.recordingCheckMs = options.recordingCheckMs ?? defaultRecordingCheck
    this.recordingWaitLimitMs = options.recordingWaitLimitMs ?? 31 * DAY_MS
    this.queue = new DurableJobQueue({
      file: join(options.dir, 'queue.log'),
      name: 'transcripts',
      keyOf: (job) => job.recordingUuid,
      run: (item) => this.deliver(item),
      isRetryable: (error) => (error instanceof DownloadError ? error.retryable : true),
      concurrency: CONCURRENCY,
      maxAttempts: options.maxAttempts,
      backoffMs: options.backoffMs
    })
    this.queue.on('change', () => this.emit('change'))
    this.queue.on('failed', (job, reason) => this.emit('failed', job, reason))
  }

  /** Reloads what a previous run left and starts working on it. */
  async boot(): Promise<void> {
    await mkdir(this.downloadsDir, { recursive: true })
    // A download cut off by a crash is never read: it is fetched again.
    for (const name of await readdir(this.downloadsDir)) if (name.endsWith('.part')) await rm(join(this.downloadsDir, name), { force: true })
    await this.queue.boot()
  }

  /** Durably queues a transcript; returns false when that recording's transcript is already queued. */
  enqueue(job: TranscriptJob): Promise<boolean> {
    return this.queue.enqueue(job)
  }

  /** A recording became an entry: its transcript, if it was waiting for it, goes in now. */
  recordingLanded(recordingUuid: string): void {
    const item = this.queue.get(recordingUuid)
    if (item?.awaitingRecording && item.state === 'retrying') this.queue.retry(recordingUuid)
  }

  has(recordingUuid: string): boolean {
    return this.queue.has(recordingUuid)
  }

  snapshot(): PendingDownload[] {
    return this.queue.snapshot().map(({ job, ...progress }) => ({ kind: 'transcript' as const, recordingUuid: job.recordingUuid, ...progress }))
  }

  /** Tries a failed (or waiting) transcript again now, a failed one with a fresh set of attempts. */
  retry(recordingUuid: string): boolean {
    return this.queue.retry(recordingUuid, { freshAttempts: true })
  }

  stop(): Promise<void> {
    return this.queue.stop()
  }

  private get downloadsDir(): string {
    return join(this.options.dir, 'downloads')
  }

  /** Writes the transcript beside its recording's entry, or says it must wait for the recording. */
  private async deliver(item: QueuedTranscript): Promise<NotYet | undefined> {
    const kept = join(this.downloadsDir, `${item.job.recordingUuid}.json`)
    const entry = await this.options.findEntry(item.job)
    // A redelivered event for a transcript the journal holds: nothing to fetch.
    if (!entry || !(await this.options.hasTranscript(entry))) {
      const transcript = await this.transcriptOf(item, kept)
      if (!entry) return this.awaitRecording(item)
      await this.options.store(entry, transcript)
      this.emit('stored', item.job, entry.path)
    }
    await rm(kept, { force: true })
    return undefined
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

  private awaitRecording(item: QueuedTranscript): NotYet {
    if (Date.now() - item.job.receivedAt > this.recordingWaitLimitMs) throw new DownloadError('Its recording never arrived in the journal', false)
    item.awaitingRecording = true
    item.recordingChecks = (item.recordingChecks ?? 0) + 1
    return new NotYet(this.recordingCheckMs(item.recordingChecks), AWAITING_RECORDING)
  }
}
