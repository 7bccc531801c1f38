import { EventEmitter } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ApiEvents, VoiceJournalApi } from '../../shared/api'
import { createApiHandlers } from '../api/handlers'
import { AudioImporter } from '../journal/audio-import'
import type { Journal } from '../journal/journal'
import { JournalStore } from '../journal/journal-store'
import type { BootstrapNode } from '../network/bootstrap'
import { SwarmService } from '../network/swarm-service'
import { SettingsStore } from './settings'

export interface AppOptions {
  dataDir: string
  /** Overrides the saved bootstrap setting for this run (`--bootstrap`). */
  bootstrap?: BootstrapNode[]
}

/** Status pushes are coalesced: a burst of writes becomes one update for the window. */
const STATUS_PUSH_DELAY_MS = 100

/**
 * Every service of the app, wired once, with one boot and one shutdown. Both the Electron
 * adapter and the headless host run exactly this; neither imports `electron` here.
 */
export class AppServices extends EventEmitter<{ [E in keyof ApiEvents]: [ApiEvents[E]] }> {
  readonly api: VoiceJournalApi
  private statusTimer: NodeJS.Timeout | null = null
  private closed = false

  private constructor(
    readonly dataDir: string,
    readonly settings: SettingsStore,
    readonly journals: JournalStore,
    readonly swarm: SwarmService,
    readonly importer: AudioImporter,
    private active: Journal
  ) {
    super()
    this.api = createApiHandlers({ activeJournal: () => this.active, importer })
    this.watch(active)
  }

  static async boot(options: AppOptions): Promise<AppServices> {
    await mkdir(options.dataDir, { recursive: true })
    const settings = await SettingsStore.load(options.dataDir)
    const journals = await JournalStore.open(options.dataDir)
    const importer = new AudioImporter(join(options.dataDir, 'imports'))
    await importer.boot()
    const own = await journals.openOwn()
    const swarm = new SwarmService(journals.corestore, options.bootstrap ?? settings.bootstrapNodes())
    swarm.join(own)
    // Reading a large journal's index cold takes most of a second; start now so the window's
    // first list comes from the cache instead of waiting for the disk.
    own.listEntries().catch((error: unknown) => console.error('[journal] cannot list entries:', error))
    return new AppServices(options.dataDir, settings, journals, swarm, importer, own)
  }

  get activeJournal(): Journal {
    return this.active
  }

  /**
   * Opens someone's journal by key, joins its topic and waits until the first peer has told us
   * its length (or the lookup found nobody). A key nobody serves yet opens empty, not as an error.
   */
  async openJournal(key: string): Promise<Journal> {
    const journal = await this.journals.openRemote(key)
    this.swarm.join(journal)
    await journal.drive.update({ wait: true })
    return journal
  }

  /** Swarm first (no new peers), then journals and the store: the order Hyperdrive needs. */
  async shutdown(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.statusTimer) clearTimeout(this.statusTimer)
    await this.importer.shutdown()
    await this.swarm.destroy()
    await this.journals.close()
  }

  private watch(journal: Journal): void {
    const schedule = (): void => {
      if (this.statusTimer || this.closed) return
      this.statusTimer = setTimeout(() => {
        this.statusTimer = null
        if (this.closed || journal !== this.active) return
        journal.status().then(
          (status) => this.emit('status', status),
          (error) => console.error('[status] cannot read journal status:', error)
        )
      }, STATUS_PUSH_DELAY_MS)
    }
    journal.on('change', schedule)
    journal.on('peers', schedule)
  }
}
