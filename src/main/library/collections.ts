import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ApiError } from '#shared/api'
import type { Collection } from '#shared/dto'
import { KEY_HELP, parseJournalLink } from '#shared/journal-key'
import type { Journal } from '../journal/journal'
import type { CollectLedger } from './collect-ledger'
import { Collector } from './collector'
import { journalKeyOf } from './journal-ref'

/** Collecting reads every entry: a private journal held without its read key cannot be collected from. */
export const COLLECT_PRIVATE_MESSAGE =
  'This journal is private and held here without its read key: its entries cannot be read, so they cannot be collected. Collect from its private link (…#encryptionKey=…) instead.'

/** What collecting needs from the library. */
export interface CollectionsHost {
  /** The readable journal a key names in the library, if it is there. */
  find(key: string): Journal | undefined
  nameOf(key: string): string
  /** Something the window shows changed. */
  changed(): void
  /** Whether the library lists the journal `key`, readable or not. */
  lists(key: string): boolean
  /** Adds a journal by key or link (Library.add). */
  add(link: string): Promise<unknown>
  /** The journal `key` once it can be read, giving one just added a while to find its first peer (Library.whenReadable). */
  whenReadable(key: string): Promise<Journal>
  /** Takes a journal out of the library if it is there without being readable. */
  forgetUnreadable(key: string): Promise<void>
}

/**
 * Which journal of mine collects from which (the ledger keeps it across restarts) and one
 * Collector running per pair whose two journals are open. Collecting is started and stopped
 * here too, from the source's key or link as the person gives it.
 */
export class Collections {
  private readonly running = new Map<string, Collector>()
  private readonly spoolDir: string

  constructor(
    private readonly ledger: CollectLedger,
    dataDir: string,
    private readonly host: CollectionsHost
  ) {
    this.spoolDir = join(dataDir, 'collect-spool')
  }

  /** At start: what a crash left in the spool goes, and every saved pair carries on. */
  async resume(): Promise<void> {
    await rm(this.spoolDir, { recursive: true, force: true })
    await mkdir(this.spoolDir, { recursive: true })
    for (const pair of this.ledger.active()) {
      const into = this.host.find(pair.into)
      const source = this.host.find(pair.from)
      if (into?.writable && source) this.run(into, source)
    }
  }

  /**
   * Starts collecting into `into` every entry of the journal `from` names (a key or link; added
   * to the library if it is not there), now and whenever both can be reached, each once. Refused
   * for a journal that cannot be read here.
   */
  async collectFrom(into: Journal, from: string): Promise<void> {
    if (!into.writable) throw new ApiError('read-only', 'Only a journal you write can collect entries from another.', 'journal')
    const parsed = parseJournalLink(from)
    const key = parsed && journalKeyOf(parsed.key)
    if (!key) throw new ApiError('bad-request', KEY_HELP, 'from')
    if (key === into.id) throw new ApiError('bad-request', 'A journal cannot collect from itself.', 'from')
    const known = this.host.lists(key)
    await this.host.add(from)
    let source: Journal
    try {
      source = await this.host.whenReadable(key)
    } catch (error) {
      // Added only to be collected from and not readable: it is not kept.
      if (!known) await this.host.forgetUnreadable(key)
      if (error instanceof ApiError && error.code === 'private') throw new ApiError('private', COLLECT_PRIVATE_MESSAGE, 'from')
      throw error
    }
    if (!this.ledger.pair(into.id, source.id)?.since) await this.ledger.start(into.id, source.id)
    this.run(into, source)
    this.host.changed()
  }

  /** Stops collecting into `into` from the journal `from` names; what came in stays. */
  async stopCollecting(into: Journal, from: string): Promise<void> {
    const parsed = parseJournalLink(from)
    const key = parsed && journalKeyOf(parsed.key)
    if (!key || !(await this.stop(into.id, key))) throw new ApiError('not-found', 'This journal does not collect from that one.', 'from')
  }

  /** False when `into` was not collecting from `from`. */
  private async stop(into: string, from: string): Promise<boolean> {
    if (!this.ledger.pair(into, from)?.since) return false
    await this.running.get(pairId(into, from))?.close()
    this.running.delete(pairId(into, from))
    await this.ledger.stop(into, from)
    this.host.changed()
    return true
  }

  /**
   * A journal leaves the library: collecting into it is forgotten with its ledger, and collecting
   * from it stops (what came in stays, and its ledger too, should it be collected from again).
   */
  async forgetJournal(key: string): Promise<void> {
    for (const pair of this.ledger.active().filter((p) => p.from === key && p.into !== key)) await this.stop(pair.into, pair.from)
    for (const [id, collector] of this.running) {
      if (collector.into.id !== key) continue
      await collector.close()
      this.running.delete(id)
    }
    if (this.ledger.knows(key)) await this.ledger.forget(key)
  }

  /** What `into` collects from, for the window. */
  of(into: string): Collection[] {
    return this.ledger.sourcesOf(into).flatMap((pair) => {
      const collector = this.running.get(pairId(pair.into, pair.from))
      return collector ? [collector.describe(this.host.nameOf(pair.from))] : []
    })
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((collector) => collector.close()))
    this.running.clear()
    await this.ledger.close()
  }

  private run(into: Journal, source: Journal): void {
    const id = pairId(into.id, source.id)
    if (this.running.has(id)) return
    const collector = new Collector(into, source, { ledger: this.ledger, spoolDir: this.spoolDir, changed: () => this.host.changed() })
    this.running.set(id, collector)
    collector.start()
  }
}

function pairId(into: string, from: string): string {
  return `${into}<${from}`
}
