import { encode as encodeKey } from 'hypercore-id-encoding'
import type { JournalStatus, LibraryItem, SeedingProgress } from '#shared/dto'
import { journalLink } from '#shared/journal-key'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import type { JournalSwarm } from '../network/journal-swarm'
import type { EntryAnnouncer } from './entry-announcer'
import type { EventPacer } from './event-pacer'
import { Holders } from './holders'
import type { LibraryRecord } from './library-file'
import { Seeder } from './seeder'

const log = logger('library')

/** Bursts (a sync, thousands of blocks) become one push per journal per interval. */
const STATUS_PUSH_DELAY_MS = 100
const BLOCKS_PUSH_DELAY_MS = 250

/** An own journal is always served in full: its seeding is complete, never switched. */
const COMPLETE_OWN: SeedingProgress = { state: 'off', bytesDownloaded: 0, bytesTotal: 0, bytesPerSecond: 0, complete: true }

/** Everything the library keeps per open journal besides its saved record. */
export interface OpenJournal {
  journal: Journal
  seeder: Seeder | null
  /** Our own journals: who else holds a full copy. */
  holders: Holders | null
  /** The read key it was opened with: what the window is told, even while a wrong one is being dropped. */
  readKey: Buffer | null
}

/** Where an open journal's changes go (the library's events for the window). */
export interface OpenJournalEvents {
  status(status: JournalStatus): void
  blocks(key: string): void
  /** Something the library's list shows changed. */
  changed(): void
}

/**
 * The library's readable journals, each a Hyperdrive opened by the library, and what runs for
 * each while it is in the library: on the swarm, seeding (someone else's) or counting who else
 * holds it (our own), its new entries announced and its changes pushed to the window, paced.
 */
export class OpenJournals {
  private readonly open = new Map<string, OpenJournal>()

  constructor(
    private readonly swarm: JournalSwarm,
    private readonly pacer: EventPacer,
    private readonly announcer: EntryAnnouncer,
    private readonly events: OpenJournalEvents
  ) {}

  get(key: string): OpenJournal | undefined {
    return this.open.get(key)
  }

  has(key: string): boolean {
    return this.open.has(key)
  }

  /** Whether `journal` is the drive open for its key (not one dropped or replaced since). */
  holds(journal: Journal): boolean {
    return this.open.get(journal.id)?.journal === journal
  }

  firstWritable(): Journal | undefined {
    return [...this.open.values()].find(({ journal }) => journal.writable)?.journal
  }

  /** Starts serving a journal the library just opened for `record`. */
  serve(journal: Journal, record: LibraryRecord, readKey: Buffer | null): void {
    const seeder = journal.writable ? null : new Seeder(journal, record.seeding)
    const holders = journal.writable ? new Holders(journal) : null
    holders?.on('change', () => this.events.changed())
    this.open.set(journal.id, { journal, seeder, holders, readKey })
    this.watch(journal, seeder)
    this.announcer.watch(journal)
    this.swarm.join(journal)
    if (!journal.writable) {
      // Learn the latest length from peers in the background; nothing waits on it.
      journal.drive.update({ wait: true }).catch((error: unknown) => log.debug({ err: error, journal: journal.id }, 'no peer answered the first update'))
    }
  }

  /** An open journal's row in the library list; whether it is active, its provenance and what it collects are the library's to say. */
  item(record: LibraryRecord, about: Pick<LibraryItem, 'active' | 'provenance' | 'collecting'>): LibraryItem {
    const { journal, seeder, holders, readKey } = this.open.get(record.key)!
    return {
      key: record.key,
      link: journalLink(record.key, undefined, readKey ? encodeKey(readKey) : undefined),
      private: readKey !== null,
      readable: true,
      name: record.name,
      kind: record.kind,
      writable: journal.writable,
      active: about.active,
      peers: journal.peers,
      version: journal.drive.version,
      lookingForPeers: journal.lookingForPeers,
      seeding: seeder ? seeder.progress() : COMPLETE_OWN,
      provenance: about.provenance,
      addedAt: record.addedAt,
      heldElsewhere: holders?.summary() ?? null,
      restoring: journal.writeHold ? 'catching-up' : null,
      collecting: about.collecting
    }
  }

  /** Stops everything run for an open journal and drops it (the swarm topic and the drive are the caller's). */
  drop(key: string): void {
    this.open.get(key)?.seeder?.close()
    this.open.get(key)?.holders?.close()
    this.pacer.cancel(`${key}:`)
    this.announcer.forget(key)
    this.open.delete(key)
  }

  /** The library is closing: seeding and counting holders stop (the drives are the store's to close). */
  close(): void {
    for (const { seeder, holders } of this.open.values()) {
      seeder?.close()
      holders?.close()
    }
  }

  /** Forwards a journal's changes to the window, paced, for as long as it is in the library. */
  private watch(journal: Journal, seeder: Seeder | null): void {
    const inLibrary = (): boolean => this.holds(journal)
    const pushStatus = (): void =>
      this.pacer.later(`${journal.id}:status`, STATUS_PUSH_DELAY_MS, () => {
        if (!inLibrary()) return
        journal.status().then(
          (status) => this.events.status(status),
          (error: unknown) => log.error({ err: error, journal: journal.id }, 'cannot read journal status')
        )
      })
    for (const event of ['change', 'peers', 'hold'] as const) {
      journal.on(event, () => {
        pushStatus()
        this.events.changed()
      })
    }
    journal.on('blocks', () => this.pacer.later(`${journal.id}:blocks`, BLOCKS_PUSH_DELAY_MS, () => inLibrary() && this.events.blocks(journal.id)))
    seeder?.on('progress', () => this.events.changed())
  }
}
