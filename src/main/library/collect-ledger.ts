import { join } from 'node:path'
import { DurableLog } from '../intake/durable-log'

/** One line of collecting.log. `into` collects from `from`; paths are the entry's path in `from`. */
type LedgerRecord =
  | { op: 'start'; into: string; from: string; at: number }
  | { op: 'stop'; into: string; from: string; at: number }
  | { op: 'collected'; into: string; from: string; path: string; at: number }
  | { op: 'failed'; into: string; from: string; path: string; reason: string; permanent: boolean; at: number; title?: string }
  /** The destination left the library: everything about it goes. */
  | { op: 'forget'; into: string; at: number }

export interface LedgerFailure {
  reason: string
  permanent: boolean
  at: number
  title?: string
}

/** What one destination knows of one source, stopped or not. */
export interface CollectPair {
  into: string
  from: string
  /** When collecting (last) started; null once stopped. */
  since: number | null
  /** Source paths collected, with when: one deleted here since is never collected again. */
  collected: Map<string, number>
  /** Source paths whose last try failed (cleared by a later success). */
  failures: Map<string, LedgerFailure>
}

/** Rewritten at open when the log holds this many more lines than its state needs. */
const COMPACT_SLACK = 500

/**
 * What every journal of mine collects from and what it has collected (data dir/collecting.log),
 * appended and synced before the caller goes on, so a crash loses at most the line being written.
 * The record that an entry was collected is written after the entry: a crash between the two
 * leaves the entry without its record, and collecting it again finds it already there.
 */
export class CollectLedger {
  private readonly pairs = new Map<string, CollectPair>()

  private constructor(private readonly log: DurableLog<LedgerRecord>) {}

  static async open(dataDir: string): Promise<CollectLedger> {
    const { log, records } = await DurableLog.open<LedgerRecord>(join(dataDir, 'collecting.log'))
    const ledger = new CollectLedger(log)
    // A line that is JSON but not a record (edited by hand) is skipped, as a cut one is.
    for (const record of records) if (typeof record?.into === 'string' && typeof record.at === 'number') ledger.apply(record)
    const compact = ledger.snapshot()
    if (records.length > compact.length + COMPACT_SLACK) await log.rewrite(compact)
    return ledger
  }

  /** Pairs that are collecting now. */
  active(): CollectPair[] {
    return [...this.pairs.values()].filter((pair) => pair.since !== null)
  }

  /** What `into` collects from now, oldest first. */
  sourcesOf(into: string): CollectPair[] {
    return this.active().filter((pair) => pair.into === into)
  }

  pair(into: string, from: string): CollectPair | undefined {
    return this.pairs.get(pairId(into, from))
  }

  /** Whether anything is recorded about collecting into `into`. */
  knows(into: string): boolean {
    return [...this.pairs.values()].some((pair) => pair.into === into)
  }

  start(into: string, from: string): Promise<void> {
    return this.write({ op: 'start', into, from, at: Date.now() })
  }

  stop(into: string, from: string): Promise<void> {
    return this.write({ op: 'stop', into, from, at: Date.now() })
  }

  collected(into: string, from: string, path: string): Promise<void> {
    return this.write({ op: 'collected', into, from, path, at: Date.now() })
  }

  failed(into: string, from: string, path: string, failure: LedgerFailure): Promise<void> {
    return this.write({ op: 'failed', into, from, path, ...failure })
  }

  forget(into: string): Promise<void> {
    return this.write({ op: 'forget', into, at: Date.now() })
  }

  close(): Promise<void> {
    return this.log.close()
  }

  private async write(record: LedgerRecord): Promise<void> {
    await this.log.append(record)
    this.apply(record)
  }

  private apply(record: LedgerRecord): void {
    if (record.op === 'forget') {
      for (const [id, pair] of this.pairs) if (pair.into === record.into) this.pairs.delete(id)
      return
    }
    const id = pairId(record.into, record.from)
    let pair = this.pairs.get(id)
    if (!pair) {
      pair = { into: record.into, from: record.from, since: null, collected: new Map(), failures: new Map() }
      this.pairs.set(id, pair)
    }
    if (record.op === 'start') pair.since ??= record.at
    else if (record.op === 'stop') pair.since = null
    else if (record.op === 'collected') {
      pair.collected.set(record.path, record.at)
      pair.failures.delete(record.path)
    } else {
      const { reason, permanent, at, title } = record
      pair.failures.set(record.path, { reason, permanent, at, ...(title ? { title } : {}) })
    }
  }

  /** The fewest lines that give the same state. */
  private snapshot(): LedgerRecord[] {
    const records: LedgerRecord[] = []
    for (const pair of this.pairs.values()) {
      const { into, from } = pair
      records.push(pair.since === null ? { op: 'stop', into, from, at: 0 } : { op: 'start', into, from, at: pair.since })
      for (const [path, at] of pair.collected) records.push({ op: 'collected', into, from, path, at })
      for (const [path, failure] of pair.failures) records.push({ op: 'failed', into, from, path, ...failure })
    }
    return records
  }
}

function pairId(into: string, from: string): string {
  return `${into}<${from}`
}
