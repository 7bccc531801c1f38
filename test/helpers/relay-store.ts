import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import Corestore from 'corestore'
import Hyperdrive, { type HypercoreLike } from 'hyperdrive'
import { makeTempDir } from './temp-dir'

/**
 * A peer that is not the app: a bare Corestore holding a journal's two cores at the core level,
 * as a host without the journal's read key would, and hearing whatever
 * other peers send on the Hyperbee extension's channel.
 */
export class RelayStore {
  private static readonly open_ = new Set<RelayStore>()
  private readonly cores: HypercoreLike[] = []
  private readonly links = new Set<() => Promise<void>>()

  private constructor(
    readonly store: Corestore,
    /** Its data directory: everything it holds is on disk there. */
    readonly dir: string,
    private readonly cleanup: () => Promise<void>
  ) {}

  static async open(): Promise<RelayStore> {
    const { dir, cleanup } = await makeTempDir()
    const relay = new RelayStore(new Corestore(dir), dir, cleanup)
    await relay.store.ready()
    RelayStore.open_.add(relay)
    return relay
  }

  /** Closes every relay a test opened, whatever it ended with. */
  static async closeAll(): Promise<void> {
    for (const relay of [...RelayStore.open_]) await relay.close()
  }

  /**
   * Downloads every block of the journal's index and audio cores, and follows new ones. Every
   * message on the Hyperbee extension goes to `heard`.
   */
  async holdJournal(key: Buffer, heard: (message: Buffer) => void): Promise<void> {
    const index = this.store.get({ key })
    await index.ready()
    index.registerExtension('hyperbee', { onmessage: heard })
    // The audio core's key comes from the index core's manifest, which arrives with a block.
    await index.get(0)
    const blobs = this.store.get({ key: Hyperdrive.getContentKey(index) })
    await blobs.ready()
    this.cores.push(index, blobs)
    for (const core of this.cores) core.download({ start: 0, end: -1 })
  }

  /** Whether every core held has all of its blocks (and knows of some). */
  complete(): boolean {
    return this.cores.length > 0 && this.cores.every((core) => core.length > 0 && core.contiguousLength === core.length)
  }

  /** Replicates with another store through a pipe; the returned function takes the link down. */
  connect(other: Corestore): () => Promise<void> {
    const streams: Duplex[] = [this.store.replicate(true), other.replicate(false)]
    streams[0]!.pipe(streams[1]!).pipe(streams[0]!)
    for (const stream of streams) stream.on('error', () => {})
    const close = async (): Promise<void> => {
      if (!this.links.delete(close)) return
      const closed = streams.map((stream) => (stream.destroyed ? Promise.resolve() : once(stream, 'close')))
      for (const stream of streams) stream.destroy()
      await Promise.all(closed)
    }
    this.links.add(close)
    return close
  }

  async close(): Promise<void> {
    if (!RelayStore.open_.delete(this)) return
    for (const close of [...this.links]) await close()
    for (const core of this.cores) await core.close()
    await this.store.close()
    await this.cleanup()
  }
}
