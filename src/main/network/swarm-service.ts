import HyperDHT from 'hyperdht'
import Hyperswarm from 'hyperswarm'
import type Corestore from 'corestore'
import type { PeerDiscovery } from 'hyperswarm'
import { isLoopbackNetwork, type BootstrapNode } from './bootstrap'
import type { JournalSwarm, SwarmMember } from './journal-swarm'
import { readNetworkStatus, type NetworkMember } from './network-status'
import type { NetworkStatus } from '#shared/dto'
import { logger } from '../app/logging'

const log = logger('swarm')

const UNANNOUNCE_LIMIT_MS = 2000

/**
 * Joins journals' topics on Hyperswarm and replicates the whole Corestore over every connection,
 * so any journal this app holds is served to, and fetched from, whoever asks for it.
 */
export class SwarmService implements JournalSwarm {
  private readonly swarm: Hyperswarm
  private readonly dht: HyperDHT
  private readonly topics = new Map<string, PeerDiscovery>()

  constructor(
    private readonly store: Corestore,
    bootstrap?: BootstrapNode[]
  ) {
    const dht = (this.dht =
      bootstrap && isLoopbackNetwork(bootstrap)
        ? new HyperDHT({ bootstrap, host: '127.0.0.1', firewalled: false })
        : new HyperDHT(bootstrap?.length ? { bootstrap } : {}))
    this.swarm = new Hyperswarm({ dht })
    this.swarm.on('connection', (connection) => {
      this.store.replicate(connection)
    })
  }

  get connections(): number {
    return this.swarm.connections.size
  }

  /** The DHT's view of this computer and what each connection carries, for these journals. */
  networkStatus(journals: NetworkMember[]): NetworkStatus {
    return readNetworkStatus({ dht: this.dht, connections: this.swarm.connections, journals })
  }

  /** True once destroy() has run: no topic is announced and no connection is open. */
  get destroyed(): boolean {
    return this.swarm.destroyed
  }

  /**
   * Announces and looks up the journal's topic (server and client, so whichever side comes
   * online later is still found), and tells the drive peers are being looked for so its first
   * `update({ wait: true })` waits for them instead of returning at once.
   */
  join(journal: SwarmMember): void {
    const topic = journal.discoveryKey
    const id = topic.toString('hex')
    if (this.topics.has(id)) return
    this.topics.set(id, this.swarm.join(topic, { server: true, client: true }))
    const done = journal.findingPeers()
    this.swarm.flush().then(done, done)
  }

  /** Resolves once every journal joined so far has been announced and looked up once. */
  flushed(): Promise<void> {
    return this.swarm.flush()
  }

  async leave(journal: SwarmMember): Promise<void> {
    const id = journal.discoveryKey.toString('hex')
    if (!this.topics.delete(id)) return
    await this.swarm.leave(journal.discoveryKey)
  }

  /**
   * Unannounces the topics so peers stop dialling a host that is gone, but gives that at most
   * UNANNOUNCE_LIMIT_MS: with an unreachable DHT it would otherwise hold up quitting for ~11 s.
   */
  async destroy(): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, UNANNOUNCE_LIMIT_MS)))
    const unannounce = this.swarm.clear().catch((error: unknown) => log.warn({ err: error }, 'could not unannounce every journal'))
    await Promise.race([unannounce, limit])
    clearTimeout(timer)
    // Closing the DHT first makes the swarm's own unannounce calls fail at once instead of
    // each waiting out its timeout.
    await this.dht.destroy({ force: true })
    await this.swarm.destroy({ force: true })
  }
}
