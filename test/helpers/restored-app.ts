import { once } from 'node:events'
import type { Duplex } from 'node:stream'
import type { VonageSimulator } from '@voice-journal/vonage-sim'
import { SettingsStore } from '../../src/main/app/settings'
import { WebhookServer } from '../../src/main/http/webhook-server'
import { RestoredJournalGates } from '../../src/main/identity/restored-journal-gates'
import { IntakeService } from '../../src/main/intake/intake-service'
import type { Journal } from '../../src/main/journal/journal'
import { JournalStore } from '../../src/main/journal/journal-store'
import { Library } from '../../src/main/library/library'
import { PipeSwarm, type PeerLink } from './library-peer'

/**
 * An app started on a data directory a backup was restored into, in process, wired as
 * AppServices wires it: the library, then the restored journals' catch-up holds, then (with a
 * simulator) the real phone intake on a loopback webhook listener. Only the network is a pipe.
 */
export class RestoredApp {
  readonly links = new Set<PeerLink>()
  private closed = false

  private constructor(
    readonly dir: string,
    readonly swarm: PipeSwarm,
    readonly journals: JournalStore,
    readonly library: Library,
    readonly gates: RestoredJournalGates,
    readonly intake: { service: IntakeService; webhooks: WebhookServer } | null
  ) {}

  static async start(dir: string, options: { simulator?: VonageSimulator } = {}): Promise<RestoredApp> {
    const swarm = new PipeSwarm()
    const journals = await JournalStore.open(dir)
    const library = await Library.boot({ dataDir: dir, journals, swarm })
    const gates = await RestoredJournalGates.boot({ dataDir: dir, library })
    let intake: RestoredApp['intake'] = null
    if (options.simulator) {
      const settings = await SettingsStore.load(dir, { ...options.simulator.appEnvironment(), JOURNAL_MODE: 'record' })
      await settings.update({ greeting: '' })
      const webhooks = new WebhookServer()
      const service = await IntakeService.boot({ dataDir: dir, settings, journal: () => library.active, webhooks })
      await webhooks.listen(0, '127.0.0.1')
      intake = { service, webhooks }
    }
    return new RestoredApp(dir, swarm, journals, library, gates, intake)
  }

  get active(): Journal {
    return this.library.active
  }

  /** Pipes this app's store to another peer's, as a swarm connection would; closing it is going offline. */
  connect(other: { journals: JournalStore }): PeerLink {
    const streams: Duplex[] = [this.journals.corestore.replicate(true), other.journals.corestore.replicate(false)]
    streams[0]!.pipe(streams[1]!).pipe(streams[0]!)
    // A stream destroyed by its store closing is an ending, not a failure of the test.
    for (const stream of streams) stream.on('error', () => {})
    const link: PeerLink = {
      close: async () => {
        if (!this.links.delete(link)) return
        const closed = streams.map((stream) => (stream.destroyed ? Promise.resolve() : once(stream, 'close')))
        for (const stream of streams) stream.destroy()
        await Promise.all(closed)
      }
    }
    this.links.add(link)
    return link
  }

  /** Shuts down in the app's order: inputs, the holds, the library, the store. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.intake) {
      await this.intake.webhooks.close()
      await this.intake.service.shutdown()
    }
    for (const link of [...this.links]) await link.close()
    this.gates.close()
    await this.library.close()
    this.swarm.close()
    await this.journals.close()
  }
}
