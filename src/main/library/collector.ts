import type { Collection, EntryDto } from '#shared/dto'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import { CollectError, collectEntry } from './collect-entry'
import type { CollectLedger } from './collect-ledger'

const log = logger('collect')

/** Backoff for an entry (or a look at the source) that failed while out of reach: doubling from here… */
const FIRST_RETRY_MS = 5_000
/** …up to here. A peer connecting retries everything at once anyway. */
const LAST_RETRY_MS = 10 * 60_000

export interface CollectorHost {
  ledger: CollectLedger
  /** Where audio waits between the source and the destination. */
  spoolDir: string
  /** Something the window shows changed. */
  changed(): void
}

/**
 * One journal of mine collecting from one source: every entry of the source not in the ledger is
 * copied in, oldest first, one at a time, whenever the source changes, a peer of it connects, or
 * a retry is due. An entry that fails is recorded and skipped; the rest go on.
 */
export class Collector {
  private state: Collection['state'] = 'idle'
  private pending = 0
  private running: Promise<void> | null = null
  private again = false
  private timer: NodeJS.Timeout | null = null
  /** Per source path: failed tries so far and when the next is due. */
  private readonly retries = new Map<string, { attempts: number; at: number }>()
  private lookFailures = 0
  private readonly abort = new AbortController()
  private readonly unsubscribe: Array<() => void> = []

  constructor(
    readonly into: Journal,
    readonly source: Journal,
    private readonly host: CollectorHost
  ) {}

  start(): void {
    const onChange = (): void => this.kick()
    const onPeers = (): void => {
      if (this.source.peers === 0) return
      // Whatever was out of reach may be reachable now.
      this.retries.clear()
      this.lookFailures = 0
      this.kick()
    }
    this.source.on('change', onChange)
    this.source.on('peers', onPeers)
    this.into.on('hold', onChange)
    this.unsubscribe.push(
      () => this.source.off('change', onChange),
      () => this.source.off('peers', onPeers),
      () => this.into.off('hold', onChange)
    )
    this.kick()
  }

  /** For the window: the ledger's counts with what this run knows (state, what is left). */
  describe(name: string): Collection {
    const pair = this.host.ledger.pair(this.into.id, this.source.id)
    let lastAt: number | null = null
    for (const at of pair?.collected.values() ?? []) lastAt = Math.max(lastAt ?? at, at)
    return {
      from: this.source.id,
      name,
      since: pair?.since ?? Date.now(),
      entries: pair?.collected.size ?? 0,
      lastAt,
      pending: this.pending,
      state: this.state,
      failures: [...(pair?.failures ?? [])].map(([path, failure]) => ({
        path,
        ...(failure.title ? { title: failure.title } : {}),
        reason: failure.reason,
        at: failure.at,
        retrying: !failure.permanent
      }))
    }
  }

  /** Stops at once: a copy in flight is dropped (its entry is collected again next time). */
  async close(): Promise<void> {
    this.abort.abort()
    if (this.timer) clearTimeout(this.timer)
    for (const off of this.unsubscribe.splice(0)) off()
    await this.running
  }

  private get closed(): boolean {
    return this.abort.signal.aborted
  }

  private kick(): void {
    if (this.closed) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.run().finally(() => (this.running = null))
  }

  private async run(): Promise<void> {
    do {
      this.again = false
      try {
        await this.pass()
      } catch (error) {
        if (this.closed) return
        this.lookFailures++
        log.debug({ err: error, into: this.into.id, from: this.source.id }, 'cannot look at the source now')
        this.setState('waiting')
        this.retryIn(backoff(this.lookFailures))
      }
    } while (this.again && !this.closed)
  }

  private async pass(): Promise<void> {
    const pair = this.host.ledger.pair(this.into.id, this.source.id)
    if (!pair) return
    const todo = (await this.source.listEntries())
      .filter((entry) => !pair.collected.has(entry.path) && pair.failures.get(entry.path)?.permanent !== true)
      .reverse()
    this.lookFailures = 0
    this.pending = todo.length
    this.host.changed()
    for (const entry of todo) {
      if (this.closed) return
      const retry = this.retries.get(entry.path)
      if (retry && retry.at > Date.now()) continue
      this.setState('copying')
      const reachable = await this.collect(entry)
      if (this.closed) return
      if (!reachable) break
    }
    const due = [...this.retries.values()].map((retry) => retry.at)
    if (due.length > 0) this.retryIn(Math.max(0, Math.min(...due) - Date.now()))
    this.setState(due.length > 0 ? 'waiting' : 'idle')
  }

  /** Copies one entry and records the outcome; false when the source is out of reach (the rest would fail alike). */
  private async collect(entry: EntryDto): Promise<boolean> {
    const { into, source } = this
    try {
      await collectEntry(source, entry, into, this.host.spoolDir, this.abort.signal)
      await this.host.ledger.collected(into.id, source.id, entry.path)
      this.retries.delete(entry.path)
      this.pending = Math.max(0, this.pending - 1)
      this.host.changed()
      return true
    } catch (error) {
      if (this.closed) return false
      const permanent = error instanceof CollectError && error.permanent
      const reason = permanent ? (error as Error).message : this.transientReason(error)
      log.warn({ err: error, into: into.id, from: source.id }, `an entry was not collected${permanent ? '' : ' yet'}`)
      if (!permanent) {
        const attempts = (this.retries.get(entry.path)?.attempts ?? 0) + 1
        this.retries.set(entry.path, { attempts, at: Date.now() + backoff(attempts) })
      }
      // Retries while offline for days fail the same way each time: the first line says it.
      const recorded = this.host.ledger.pair(into.id, source.id)?.failures.get(entry.path)
      if (recorded?.reason !== reason || recorded.permanent !== permanent) {
        await this.host.ledger
          .failed(into.id, source.id, entry.path, { reason, permanent, at: Date.now(), ...(entry.title ? { title: entry.title } : {}) })
          .catch((writeError: unknown) => log.error({ err: writeError }, 'cannot record a failed entry'))
      }
      this.host.changed()
      return permanent || source.peers > 0
    }
  }

  private transientReason(error: unknown): string {
    if (this.into.writeHold) return this.into.writeHold.reason
    if (this.source.peers === 0) return 'None of its peers is online: it comes in when one is.'
    return `Not copied yet (${(error as Error).message}); trying again.`
  }

  private retryIn(delayMs: number): void {
    if (this.closed) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      this.kick()
    }, delayMs)
  }

  private setState(state: Collection['state']): void {
    if (this.state === state) return
    this.state = state
    this.host.changed()
  }
}

function backoff(attempts: number): number {
  return Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1))
}
