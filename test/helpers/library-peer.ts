import { once } from 'node:events'
import { afterEach } from 'node:test'
import type { Duplex } from 'node:stream'
import type { Journal } from '../../src/main/journal/journal'
import { JournalStore } from '../../src/main/journal/journal-store'
import { Library } from '../../src/main/library/library'
import type { JournalSwarm, SwarmMember } from '../../src/main/network/journal-swarm'
import { makeTempDir } from './temp-dir'

/**
 * The library's network in an in-process test: whatever pipes connect this peer's Corestore to
 * others replicate every core they share, as a Hyperswarm connection does. Joining only keeps a
 * journal's first `update({ wait: true })` waiting until a peer of it shows up (the swarm waits
 * for its first lookup instead), so a fork of a journal just added still sees its real length.
 */
export class PipeSwarm implements JournalSwarm {
  readonly joined = new Map<string, () => void>()

  join(journal: SwarmMember): void {
    if (this.joined.has(journal.id)) return
    const done = journal.findingPeers()
    const found = (): void => {
      journal.off('peers', found)
      done()
    }
    if (journal.peers > 0) done()
    else journal.on('peers', found)
    this.joined.set(journal.id, found)
  }

  async leave(journal: SwarmMember): Promise<void> {
    this.joined.get(journal.id)?.()
    this.joined.delete(journal.id)
  }

  /** Nobody waits for peers any more (the store is closing). */
  close(): void {
    for (const release of this.joined.values()) release()
    this.joined.clear()
  }
}

/** One person's app, in process: a data directory, its Corestore and journals, and the library. */
export class LibraryPeer {
  swarm!: PipeSwarm
  journals!: JournalStore
  library!: Library
  readonly links = new Set<PeerLink>()

  private constructor(
    readonly dir: string,
    private readonly cleanup: () => Promise<void>,
    private readonly firstJournal: 'private' | 'public'
  ) {}

  /**
   * A new peer. Its first journal is public unless asked otherwise: most tests are about
   * replication, where other peers follow it by its key alone.
   */
  static async open(options: { firstJournal?: 'private' | 'public' } = {}): Promise<LibraryPeer> {
    const { dir, cleanup } = await makeTempDir()
    const peer = new LibraryPeer(dir, cleanup, options.firstJournal ?? 'public')
    await peer.start()
    return peer
  }

  /** The journal calls and imports go to. */
  get active(): Journal {
    return this.library.active
  }

  /** Shuts down as the app does (library, then journals and store), keeping the data directory. */
  async stop(): Promise<void> {
    for (const link of [...this.links]) await link.close()
    await this.library.close()
    this.swarm.close()
    await this.journals.close()
  }

  /** Stops and starts again on the same data directory; links must be made again. */
  async restart(): Promise<void> {
    await this.stop()
    await this.start()
  }

  async close(): Promise<void> {
    await this.stop()
    await this.cleanup()
  }

  private async start(): Promise<void> {
    this.swarm = new PipeSwarm()
    this.journals = await JournalStore.open(this.dir)
    this.library = await Library.boot({ dataDir: this.dir, journals: this.journals, swarm: this.swarm, firstJournal: this.firstJournal })
  }
}

export interface PeerLink {
  close(): Promise<void>
}

/**
 * Connects two peers' Corestores through an in-memory pipe, the Holepunch way: one side
 * initiates, each replicates the whole store. Closing the link is the other side going offline.
 */
export function connect(a: LibraryPeer, b: LibraryPeer): PeerLink {
  const streams: Duplex[] = [a.journals.corestore.replicate(true), b.journals.corestore.replicate(false)]
  streams[0]!.pipe(streams[1]!).pipe(streams[0]!)
  // A stream destroyed by its store closing is an ending, not a failure of the test.
  for (const stream of streams) stream.on('error', () => {})
  const link: PeerLink = {
    async close() {
      if (!a.links.delete(link)) return
      b.links.delete(link)
      const closed = streams.map((stream) => (stream.destroyed ? Promise.resolve() : once(stream, 'close')))
      for (const stream of streams) stream.destroy()
      await Promise.all(closed)
    }
  }
  a.links.add(link)
  b.links.add(link)
  return link
}

/**
 * For a suite of in-process peer tests (call it inside `describe`): opens peers for the running
 * test and closes them, newest first, after it, so each test stands alone.
 */
export function peersPerTest(): (options?: { firstJournal?: 'private' | 'public' }) => Promise<LibraryPeer> {
  const opened: LibraryPeer[] = []
  afterEach(async () => {
    for (const peer of opened.splice(0).reverse()) await peer.close()
  })
  return async (options) => {
    const peer = await LibraryPeer.open(options)
    opened.push(peer)
    return peer
  }
}
