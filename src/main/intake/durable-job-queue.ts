import { EventEmitter } from 'node:events'
import type { DownloadState } from '#shared/intake'
import { DurableLog } from './durable-log'
import { logger, type Log } from '../app/logging'

/** A job and where it stands; the log holds its latest copy, which is what a restart resumes. */
export interface QueuedJob<J> {
  job: J
  /** Counted by the run itself: a run that only finds the job must wait is not an attempt. */
  attempts: number
  /** As the window shows it: every job here is something to download. */
  state: DownloadState
  lastError?: string
  nextAttemptAt?: number
}

/**
 * What a run returns for a job that cannot go on yet without anything having failed: it is run
 * again after `delayMs` (or at `retry`), and `reason` is shown meanwhile.
 */
export class NotYet {
  constructor(
    readonly delayMs: number,
    readonly reason: string
  ) {}
}

/** What the log holds: a job's latest state, or that it is finished. */
type QueueRecord<Item> = { item: Item } | { done: string }

export interface DurableJobQueueOptions<J, R, Item> {
  /** The log file; existing data directories hold it, so its name and records stay as they are. */
  file: string
  /** The queue's name in the app's log. */
  name: string
  /** The same key is the same job: queued twice, it is one. */
  keyOf(job: J): string
  /**
   * Does the job. It may write its own fields into `item` (they are saved with it), and must be
   * idempotent: a run whose end was not yet recorded when the app stopped is run again.
   */
  run(item: Item): Promise<R | NotYet>
  /** Whether an error may go away by trying again; one that cannot fails the job at once. */
  isRetryable(error: unknown): boolean
  /** Runs at once. */
  concurrency: number
  maxAttempts?: number
  /** Delay before retry n (1-based). */
  backoffMs?: (attempt: number) => number
  /** Starts the work on a job just queued; at once unless given. */
  startQueued?: (start: () => void) => void
}

const defaultBackoff = (attempt: number): number => Math.min(5 * 60_000, 1000 * 2 ** (attempt - 1))

/**
 * Jobs kept in a durable log: `enqueue` resolves only once the job is on disk (so whoever is told
 * it was accepted can rely on it), failures and waits are written as they happen, and `boot` takes
 * back what a previous run left, in flight or not, so a crash or restart at any point resumes it.
 * A job leaves the queue only once its run has succeeded; once that is recorded it is never run
 * again.
 * Failures are retried with backoff up to `maxAttempts`, then kept as failed until `retry`.
 * `Item` is the job with the fields its run keeps there (all optional), saved with it.
 */
export class DurableJobQueue<J, R, Item extends QueuedJob<J> = QueuedJob<J>> extends EventEmitter<{ change: []; done: [J, R]; failed: [J, string] }> {
  private readonly items = new Map<string, Item>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private running = 0
  private stopped = false
  private logFile: DurableLog<QueueRecord<Item>> | null = null
  private readonly log: Log
  private readonly maxAttempts: number
  private readonly backoffMs: (attempt: number) => number

  constructor(private readonly options: DurableJobQueueOptions<J, R, Item>) {
    super()
    this.log = logger(options.name)
    this.maxAttempts = options.maxAttempts ?? 8
    this.backoffMs = options.backoffMs ?? defaultBackoff
  }

  /** Reloads what a previous run left and starts working on it. */
  async boot(): Promise<void> {
    const { log, records } = await DurableLog.open<QueueRecord<Item>>(this.options.file)
    for (const record of records) {
      if ('done' in record) this.items.delete(record.done)
      // Whatever was in flight when the app stopped starts over.
      else this.items.set(this.options.keyOf(record.item.job), { ...record.item, state: record.item.state === 'failed' ? 'failed' : 'waiting' })
    }
    // Start each run from a compact log: one line per job still pending.
    await log.rewrite([...this.items.values()].map((item) => ({ item })))
    this.logFile = log
    this.pump()
  }

  /** Durably queues a job; returns false when a job with its key is already queued. */
  async enqueue(job: J): Promise<boolean> {
    const key = this.options.keyOf(job)
    if (this.items.has(key)) return false
    // A new job has none of the run's own fields yet (they are optional).
    const item = { job, attempts: 0, state: 'waiting' } as Item
    this.items.set(key, item)
    try {
      await this.append({ item: { ...item } })
    } catch (error) {
      this.items.delete(key)
      throw error
    }
    this.emit('change')
    if (this.options.startQueued) this.options.startQueued(() => this.pump())
    else this.pump()
    return true
  }

  has(key: string): boolean {
    return this.items.has(key)
  }

  get(key: string): Readonly<Item> | undefined {
    return this.items.get(key)
  }

  /** The jobs as the window lists them: without the run's own fields, and due times only while retrying. */
  snapshot(): Array<QueuedJob<J>> {
    return [...this.items.values()].map(({ job, attempts, state, lastError, nextAttemptAt }) => ({
      job,
      state,
      attempts,
      ...(lastError ? { lastError } : {}),
      ...(nextAttemptAt && state === 'retrying' ? { nextAttemptAt } : {})
    }))
  }

  /** Takes a failed or retrying job up again now; `freshAttempts` gives a failed one a whole new set of attempts. */
  retry(key: string, { freshAttempts = false } = {}): boolean {
    const item = this.items.get(key)
    if (!item || item.state === 'downloading') return false
    if (freshAttempts && item.state === 'failed') item.attempts = 0
    this.wake(item)
    return true
  }

  /** Starts nothing more and closes the log; runs in flight are not waited for (a restart redoes them). */
  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    await this.logFile?.close()
  }

  private pump(): void {
    if (this.stopped) return
    for (const item of this.items.values()) {
      if (this.running >= this.options.concurrency) return
      if (item.state === 'waiting') void this.work(item)
    }
  }

  private async work(item: Item): Promise<void> {
    this.running++
    item.state = 'downloading'
    this.emit('change')
    const key = this.options.keyOf(item.job)
    try {
      const outcome = await this.options.run(item)
      if (outcome instanceof NotYet) {
        this.postpone(item, outcome)
        return
      }
      this.items.delete(key)
      await this.append({ done: key })
      this.emit('done', item.job, outcome)
    } catch (error) {
      this.fail(item, error)
    } finally {
      this.running--
      this.emit('change')
      this.pump()
    }
  }

  private postpone(item: Item, notYet: NotYet): void {
    item.lastError = notYet.reason
    this.later(item, notYet.delayMs)
    this.save(item)
  }

  private fail(item: Item, error: unknown): void {
    item.lastError = error instanceof Error ? error.message : String(error)
    if (this.stopped) return
    if (!this.options.isRetryable(error) || item.attempts >= this.maxAttempts) {
      item.state = 'failed'
      delete item.nextAttemptAt
      this.emit('failed', item.job, item.lastError)
    } else {
      // A run can fail before it counted an attempt (the transcript queue's look for the entry).
      this.later(item, this.backoffMs(Math.max(1, item.attempts)))
    }
    this.save(item)
  }

  private later(item: Item, delayMs: number): void {
    if (this.stopped) return
    item.state = 'retrying'
    item.nextAttemptAt = Date.now() + delayMs
    const key = this.options.keyOf(item.job)
    const timer = setTimeout(() => {
      this.timers.delete(key)
      if (item.state === 'retrying') this.wake(item)
    }, delayMs)
    this.timers.set(key, timer)
  }

  private wake(item: Item): void {
    const key = this.options.keyOf(item.job)
    clearTimeout(this.timers.get(key))
    this.timers.delete(key)
    item.state = 'waiting'
    delete item.nextAttemptAt
    this.emit('change')
    this.pump()
  }

  /** Written without holding anyone up: a state that is lost only means the job is tried afresh after a restart. */
  private save(item: Item): void {
    this.append({ item: { ...item } }).catch((error: unknown) => this.log.error({ err: error, job: this.options.keyOf(item.job) }, "cannot save a job's state"))
  }

  private append(record: QueueRecord<Item>): Promise<void> {
    if (!this.logFile) throw new Error(`The ${this.options.name} queue is not booted`)
    return this.logFile.append(record)
  }
}
