import { EventEmitter } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ApiEvents, VoiceJournalApi } from '#shared/api'
import { createApiHandlers } from '../api/handlers'
import { WebhookServer } from '../http/webhook-server'
import { IntakeService } from '../intake/intake-service'
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
  /** Environment to read VONAGE_* and friends from (tests pass their own). */
  env?: NodeJS.ProcessEnv
  /** Recording downloads at once. */
  downloadConcurrency?: number
}

/** Status pushes are coalesced: a burst of writes becomes one update for the window. */
const STATUS_PUSH_DELAY_MS = 100

/**
 * Every service of the app, wired once, with one boot and one shutdown. Both the Electron
 * adapter and the headless host run exactly this; neither imports `electron` here. The entries
 * only choose where the listeners listen.
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
    readonly webhooks: WebhookServer,
    readonly intake: IntakeService,
    private active: Journal
  ) {
    super()
    this.api = createApiHandlers({ activeJournal: () => this.active, importer, settings, intake })
    this.watch(active)
    intake.on('intake', (status) => this.emit('intake', status))
    intake.on('calls', (change) => this.emit('calls', change))
  }

  static async boot(options: AppOptions): Promise<AppServices> {
    await mkdir(options.dataDir, { recursive: true })
    const settings = await SettingsStore.load(options.dataDir, options.env)
    const journals = await JournalStore.open(options.dataDir)
    const importer = new AudioImporter(join(options.dataDir, 'imports'))
    await importer.boot()
    const own = await journals.openOwn()
    const swarm = new SwarmService(journals.corestore, options.bootstrap ?? settings.bootstrapNodes())
    swarm.join(own)
    // Reading a large journal's index cold takes most of a second; start now so the window's
    // first list comes from the cache instead of waiting for the disk.
    own.listEntries().catch((error: unknown) => console.error('[journal] cannot list entries:', error))
    const webhooks = new WebhookServer()
    // Intake resumes pending downloads and crashed streams at boot, before the container exists.
    const created: { services?: AppServices } = {}
    const intake = await IntakeService.boot({
      dataDir: options.dataDir,
      settings,
      journal: () => created.services?.activeJournal ?? own,
      webhooks,
      downloadConcurrency: options.downloadConcurrency
    })
    created.services = new AppServices(options.dataDir, settings, journals, swarm, importer, webhooks, intake, own)
    return created.services
  }

  get activeJournal(): Journal {
    return this.active
  }

  /**
   * Inputs stop first (webhooks, then live calls are finished and handed over), then the swarm,
   * then the journals and their store: the order Hyperdrive needs, with nothing written half.
   */
  async shutdown(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.statusTimer) clearTimeout(this.statusTimer)
    await this.webhooks.close()
    await this.intake.shutdown()
    await this.importer.shutdown()
    await this.swarm.destroy()
    await this.journals.close()
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
