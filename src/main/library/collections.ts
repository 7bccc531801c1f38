import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Collection } from '#shared/dto'
import type { Journal } from '../journal/journal'
import type { CollectLedger } from './collect-ledger'
import { Collector } from './collector'

/** What collecting needs from the library. */
export interface CollectionsHost {
  /** The readable journal a key names in the library, if it is there. */
  find(key: string): Journal | undefined
  nameOf(key: string): string
  /** Something the window shows changed. */
  changed(): void
}

/**
 * Which journal of mine collects from which (the ledger keeps it across restarts) and one
 * Collector running per pair whose two journals are open.
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

  async start(into: Journal, source: Journal): Promise<void> {
    if (!this.ledger.pair(into.id, source.id)?.since) await this.ledger.start(into.id, source.id)
    this.run(into, source)
    this.host.changed()
  }

  /** False when `into` was not collecting from `from`. */
  async stop(into: string, from: string): Promise<boolean> {
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
