import { EventEmitter } from 'node:events'
import type { NotifyDestination, OutboxItem, OutboxState } from '#shared/notify'
import { DurableLog } from '../intake/durable-log'
import { logger } from '../app/logging'
import { DeliveryError } from './post-message'
import { DEFAULT_RETRY, retryDelayMs, type RetryPolicy } from './retry-policy'

const log = logger('outbox')

/** One message for one destination, as made when the event happened. */
export interface OutboxMessage {
  id: string
  destination: NotifyDestination
  /** The exact JSON sent at every attempt (a webhook's signature covers these bytes). */
  body: string
  summary: string
  createdAt: number
}

/** What the log holds: a message, the outcome of an attempt, or an acknowledgement. */
type OutboxRecord =
  | { queued: OutboxMessage }
  | { attempted: { id: string; attempts: number; failed: boolean; lastError?: string; nextAttemptAt?: number } }
  | { delivered: { id: string; destination: NotifyDestination; at: number } }

interface Tracked {
  message: OutboxMessage
  /** 'saving': being written to the log; it is sent only once it is on disk. */
  state: OutboxState | 'saving'
  attempts: number
  lastError?: string
  nextAttemptAt?: number
  timer?: NodeJS.Timeout
}

export interface OutboxOptions {
  /** The log file (the data directory's notify/outbox.log). */
  file: string
  /** One attempt; resolves when a receiver acknowledged it, throws (a DeliveryError) otherwise. */
  send(message: OutboxMessage, signal: AbortSignal): Promise<void>
  retry?: RetryPolicy
  /** Attempts in flight at once, per destination (a receiver that hangs holds up only its own messages). */
  concurrency?: number
  /** After this many records since the last compaction, the log is rewritten with what is still pending. */
  compactAfter?: number
  /** How long close() lets attempts in flight finish before interrupting them. */
  closeGraceMs?: number
}

/**
 * Messages to the team that have not been acknowledged, kept in a durable log: `add` resolves
 * once the message is on disk, and a worker sends it in the background. Only a 2xx from the
 * receiver acknowledges a message; anything else is retried with exponential backoff and jitter
 * until the policy's last attempt, after which it is kept as failed (shown, retried on request).
 * Pending messages resume at the next start. Order between messages is not kept. Delivery is at
 * least once: a message whose acknowledgement was not yet written when the app stopped is sent
 * again, with the same id, for the receiver to recognise.
 */
export class Outbox extends EventEmitter<{ change: []; attempted: [id: string, error: string | null] }> {
  private readonly items = new Map<string, Tracked>()
  private readonly lastDelivered = new Map<NotifyDestination, number>()
  private readonly inFlight = new Set<Promise<void>>()
  /** Interrupts attempts in flight when closing has waited long enough. */
  private readonly closing = new AbortController()
  private stopped = false
  private readonly running = new Map<NotifyDestination, number>()
  private recordsSinceCompaction = 0
  private compacting: Promise<void> | null = null
  private readonly retry: RetryPolicy
  private readonly concurrency: number
  private readonly compactAfter: number

  private constructor(
    private readonly options: OutboxOptions,
    private readonly log: DurableLog<OutboxRecord>
  ) {
    super()
    this.retry = options.retry ?? DEFAULT_RETRY
    this.concurrency = options.concurrency ?? 4
    this.compactAfter = options.compactAfter ?? 500
  }

  /** Opens the log, takes back what a previous run left pending, compacts, and starts sending. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const { log: file, records } = await DurableLog.open<OutboxRecord>(options.file)
    const outbox = new Outbox(options, file)
    for (const record of records) outbox.replay(record)
    await file.rewrite(() => outbox.snapshotRecords())
    // Every pending message is tried again at once (a start is when a network or a receiver most
    // often came back); failed ones wait for the window's Retry.
    for (const item of outbox.items.values()) {
      if (item.state === 'failed') continue
      item.state = 'waiting'
      delete item.nextAttemptAt
    }
    outbox.pump()
    return outbox
  }

  /** Durably queues a message: on disk when this resolves, sent in the background after. */
  async add(message: OutboxMessage): Promise<void> {
    if (this.stopped) throw new Error('The outbox is closed')
    // Tracked before it is written, so a compaction running meanwhile keeps it.
    const item: Tracked = { message, state: 'saving', attempts: 0 }
    this.items.set(message.id, item)
    try {
      await this.append({ queued: message })
    } catch (error) {
      this.items.delete(message.id)
      throw error
    }
    item.state = 'waiting'
    this.emit('change')
    this.pump()
  }

  /** Sends a failed (or waiting-to-retry) message again now, with a fresh set of attempts. */
  retryNow(id: string): boolean {
    const item = this.items.get(id)
    if (!item || (item.state !== 'failed' && item.state !== 'retrying')) return false
    clearTimeout(item.timer)
    item.attempts = 0
    item.state = 'waiting'
    delete item.nextAttemptAt
    this.persist(item)
    this.emit('change')
    this.pump()
    return true
  }

  /** Messages not yet acknowledged, oldest first. */
  list(): OutboxItem[] {
    return [...this.items.values()]
      .filter((item) => item.state !== 'saving')
      .map(toOutboxItem)
      .sort((a, b) => a.createdAt - b.createdAt)
  }

  lastDeliveredAt(destination: NotifyDestination): number | null {
    return this.lastDelivered.get(destination) ?? null
  }

  /**
   * Stops sending. Attempts in flight get `graceMs` to finish (an acknowledgement that arrives is
   * recorded, so the message is not sent again), then are interrupted and stay pending.
   */
  async close(graceMs = this.options.closeGraceMs ?? 2000): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const item of this.items.values()) clearTimeout(item.timer)
    const settled = Promise.allSettled([...this.inFlight])
    let timer: NodeJS.Timeout | undefined
    await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
    clearTimeout(timer)
    this.closing.abort()
    await settled
    await this.compacting
    await this.log.close()
  }

  private pump(): void {
    if (this.stopped) return
    for (const item of this.items.values()) {
      if (item.state !== 'waiting') continue
      if ((this.running.get(item.message.destination) ?? 0) >= this.concurrency) continue
      this.track(this.attempt(item))
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work))
  }

  private async attempt(item: Tracked): Promise<void> {
    const destination = item.message.destination
    this.running.set(destination, (this.running.get(destination) ?? 0) + 1)
    item.state = 'sending'
    item.attempts++
    this.emit('change')
    try {
      await this.options.send(item.message, this.closing.signal)
      this.items.delete(item.message.id)
      const at = Date.now()
      this.lastDelivered.set(item.message.destination, at)
      this.emit('attempted', item.message.id, null)
      await this.append({ delivered: { id: item.message.id, destination: item.message.destination, at } }).catch((error: unknown) =>
        log.error({ err: error, id: item.message.id }, 'cannot record that a message was delivered; it may be sent again at the next start')
      )
    } catch (error) {
      this.failed(item, error)
    } finally {
      this.running.set(destination, this.running.get(destination)! - 1)
      this.emit('change')
      this.pump()
      this.compactWhenDue()
    }
  }

  private failed(item: Tracked, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error)
    if (this.closing.signal.aborted) {
      // Interrupted by closing: not the receiver's fault, so the attempt does not count.
      item.attempts--
      item.state = 'waiting'
      return
    }
    item.lastError = reason
    const retryable = !(error instanceof DeliveryError) || error.retryable
    if (!retryable || item.attempts >= this.retry.maxAttempts) {
      item.state = 'failed'
      delete item.nextAttemptAt
      log.warn({ id: item.message.id, destination: item.message.destination, attempts: item.attempts, reason }, 'a message to the team could not be delivered; it is kept as failed')
    } else {
      const delay = retryDelayMs(this.retry, item.attempts)
      item.nextAttemptAt = Date.now() + delay
      this.schedule(item, delay)
    }
    this.emit('attempted', item.message.id, reason)
    this.persist(item)
  }

  private schedule(item: Tracked, delayMs: number): void {
    item.state = 'retrying'
    clearTimeout(item.timer)
    // Once closing, the next start picks it up at its due time.
    if (this.stopped) return
    item.timer = setTimeout(() => {
      delete item.timer
      if (item.state !== 'retrying' || this.stopped) return
      item.state = 'waiting'
      this.pump()
    }, delayMs)
  }

  /** An attempt's outcome is written without holding anyone up; losing it only costs a repeat attempt. */
  private persist(item: Tracked): void {
    const { attempts, lastError, nextAttemptAt } = item
    this.append({
      attempted: { id: item.message.id, attempts, failed: item.state === 'failed', ...(lastError ? { lastError } : {}), ...(nextAttemptAt ? { nextAttemptAt } : {}) }
    }).catch((error: unknown) => log.error({ err: error, id: item.message.id }, "cannot save a message's delivery state"))
  }

  private append(record: OutboxRecord): Promise<void> {
    this.recordsSinceCompaction++
    return this.log.append(record)
  }

  /** Delivered messages leave nothing behind: the log is rewritten with what is still pending. */
  private compactWhenDue(): void {
    if (this.stopped || this.compacting || this.recordsSinceCompaction < this.compactAfter) return
    this.compacting = this.log
      .rewrite(() => {
        this.recordsSinceCompaction = 0
        return this.snapshotRecords()
      })
      .catch((error: unknown) => log.error({ err: error }, 'cannot compact the outbox log'))
      .finally(() => (this.compacting = null))
  }

  private snapshotRecords(): OutboxRecord[] {
    const records: OutboxRecord[] = []
    for (const [destination, at] of this.lastDelivered) records.push({ delivered: { id: '', destination, at } })
    for (const item of this.items.values()) {
      records.push({ queued: item.message })
      if (item.attempts > 0 || item.state === 'failed') {
        const { attempts, lastError, nextAttemptAt } = item
        records.push({
          attempted: { id: item.message.id, attempts, failed: item.state === 'failed', ...(lastError ? { lastError } : {}), ...(nextAttemptAt ? { nextAttemptAt } : {}) }
        })
      }
    }
    return records
  }

  private replay(record: OutboxRecord): void {
    if ('queued' in record) {
      if (!this.items.has(record.queued.id)) this.items.set(record.queued.id, { message: record.queued, state: 'waiting', attempts: 0 })
    } else if ('attempted' in record) {
      const item = this.items.get(record.attempted.id)
      if (!item) return
      item.attempts = record.attempted.attempts
      item.state = record.attempted.failed ? 'failed' : 'waiting'
      if (record.attempted.lastError) item.lastError = record.attempted.lastError
      if (record.attempted.nextAttemptAt) item.nextAttemptAt = record.attempted.nextAttemptAt
      else delete item.nextAttemptAt
    } else {
      this.items.delete(record.delivered.id)
      const known = this.lastDelivered.get(record.delivered.destination) ?? 0
      this.lastDelivered.set(record.delivered.destination, Math.max(known, record.delivered.at))
    }
  }
}

function toOutboxItem(item: Tracked): OutboxItem {
  const { id, destination, summary, createdAt } = item.message
  return {
    id,
    destination,
    summary,
    state: item.state === 'saving' ? 'waiting' : item.state,
    attempts: item.attempts,
    createdAt,
    ...(item.lastError ? { lastError: item.lastError } : {}),
    ...(item.nextAttemptAt && item.state === 'retrying' ? { nextAttemptAt: item.nextAttemptAt } : {})
  }
}
