import { EventEmitter } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ApiHandlers, VoiceJournalApi } from '#shared/api'
import { createApiHandlers } from '../api/handlers'
import { checkedApi } from '../api/invoke'
import { WebhookServer } from '../http/webhook-server'
import { HAND_OVER_LIMIT_MS, IntakeService } from '../intake/intake-service'
import { AudioImporter } from '../journal/audio-import'
import { MicrophoneRecordings, recordingIdleMsFromEnvironment } from '../journal/microphone-recordings'
import { EntryRetention } from '../journal/entry-retention'
import type { Journal } from '../journal/journal'
import { JournalStore } from '../journal/journal-store'
import { JournalKeys, type SecretSealer } from '../library/journal-keys'
import { JournalBackups, type ChooseBackupFile } from '../identity/journal-backups'
import { RestoredJournalGates } from '../identity/restored-journal-gates'
import { Library } from '../library/library'
import type { BootstrapNode } from '../network/bootstrap'
import { SwarmService } from '../network/swarm-service'
import { mountPublicRoutes } from '../publish/public-routes'
import { Publisher } from '../publish/publisher'
import { Notifier } from '../notify/notifier'
import { SearchService } from '../search/search-service'
import { retryPolicyFromEnvironment } from '../notify/retry-policy'
import type { AppEvents } from './app-events'
import { type CloseFailure, ServiceStack } from './service-stack'
import { SettingsStore } from './settings'
import { logger } from './logging'

const log = logger('app')

export interface AppOptions {
  dataDir: string
  /** Overrides the saved bootstrap setting for this run (`--bootstrap`). */
  bootstrap?: BootstrapNode[]
  /** Environment to read VONAGE_* and friends from (tests pass their own). */
  env?: NodeJS.ProcessEnv
  /** Recording downloads at once. */
  downloadConcurrency?: number
  /** Journals (keys or links) to follow and seed from the start (`--seed`, for always-on hosts). */
  seed?: string[]
  /** Journals (links) the active journal collects from (`--collect-from`, a desktop taking an always-on host's calls). */
  collectFrom?: string[]
  /** The active journal keeps entries this many days (`--keep-days`, an always-on host's retention). */
  keepDays?: number
  /** Shows a folder in the system's file manager: given by the desktop adapter, absent headless. */
  openFolder?: (path: string) => Promise<void>
  /** Seals private journals' read keys with the system's key store (Electron's safeStorage); absent headless. */
  secretSealer?: SecretSealer
  /** A new data directory's first journal: private (the default) or public (`--public`). */
  firstJournal?: 'private' | 'public'
  /** Asks where to save a backup (the desktop app's save dialog); headless, backups go to the data directory. */
  chooseBackupFile?: ChooseBackupFile
  /** Journals (keys or links) to publish on the public listener: web page, podcast feed, audio (`--publish`). */
  publish?: string[]
}

/**
 * Every service of the app, wired once, with one boot and one shutdown. Both the Electron
 * adapter and the headless host run exactly this; neither imports `electron` here. The entries
 * only choose where the listeners listen.
 */
export class AppServices extends EventEmitter<AppEvents> {
  /** The contract's handlers, for the transports (they check arguments through invokeApi). */
  readonly handlers: ApiHandlers
  /** The contract for callers in this process (tray, notifications, tests): checked like the window's calls. */
  readonly api: VoiceJournalApi

  private constructor(
    readonly dataDir: string,
    readonly settings: SettingsStore,
    readonly journals: JournalStore,
    readonly swarm: SwarmService,
    readonly library: Library,
    readonly importer: AudioImporter,
    readonly recordings: MicrophoneRecordings,
    readonly webhooks: WebhookServer,
    readonly intake: IntakeService,
    /** Tells the team (Slack, signed webhook) through the durable outbox. */
    readonly notifier: Notifier,
    /** What this host publishes on its public listener, and where. */
    readonly publisher: Publisher,
    private readonly stack: ServiceStack,
    restored: RestoredJournalGates,
    backups: JournalBackups,
    /** The journals' search indexes, kept in the data directory between runs. */
    readonly search: SearchService,
    openFolder?: (path: string) => Promise<void>
  ) {
    super()
    this.handlers = createApiHandlers({
      library,
      importer,
      recordings,
      settings,
      intake,
      notifier,
      restored,
      backups,
      publisher,
      search,
      network: () => swarm.networkStatus(library.networkMembers()),
      ...(openFolder ? { openFolder } : {})
    })
    this.api = checkedApi(this.handlers)
    library.on('library', (items) => this.emit('library', items))
    library.on('status', (status) => this.emit('status', status))
    library.on('blocks', (change) => this.emit('blocks', change))
    library.on('entries-added', (added) => this.emit('entries-added', added))
    intake.on('intake', (status) => this.emit('intake', status))
    intake.on('calls', (change) => this.emit('calls', change))
    notifier.on('notifications', (status) => this.emit('notifications', status))
  }

  /**
   * Opens every service in order. Each one is registered with what closes it as soon as it is
   * open, so a boot that fails half-way closes exactly what it opened (the data directory's lock
   * with it) before the error goes on to the caller.
   */
  static async boot(options: AppOptions): Promise<AppServices> {
    const stack = new ServiceStack()
    try {
      await mkdir(options.dataDir, { recursive: true })
      const settings = await SettingsStore.load(options.dataDir, options.env)
      // Opened in the order their shutdown needs reversed: inputs (webhooks, intake) close
      // first, then the library and the swarm, and the journals' store last.
      const journals = stack.opened('journal store', await JournalStore.open(options.dataDir), (store) => store.close())
      const importer = new AudioImporter(join(options.dataDir, 'imports'))
      await importer.boot()
      stack.opened('imports', importer, (service) => service.shutdown())
      const swarm = stack.opened('swarm', new SwarmService(journals.corestore, options.bootstrap ?? settings.bootstrapNodes()), (service) => service.destroy())
      const keys = await JournalKeys.load(options.dataDir, options.secretSealer ?? null)
      // Before the library, which deletes a journal's index file (and entry list) when the journal leaves it.
      const search = new SearchService({ dir: join(options.dataDir, 'search-indexes') })
      const library = stack.opened(
        'library',
        await Library.boot({
          dataDir: options.dataDir,
          journals,
          swarm,
          keys,
          forgotten: async (key) => {
            await search.forget(key)
            await journals.forgetKept(key)
          },
          ...(options.firstJournal ? { firstJournal: options.firstJournal } : {})
        }),
        (service) => service.close()
      )
      // Closed before the library: an index being written is finished, a write still waiting is left to the next start.
      stack.opened('search', search, (service) => service.close())
      // Before intake: a restored journal's writes are held before any call can reach it.
      const restored = stack.opened('restored journals', await RestoredJournalGates.boot({ dataDir: options.dataDir, library }), (gates) => gates.close())
      // After the library (a previous run's unfinished recordings become entries in the active
      // journal) and closed before it, so no recording is being kept while the journals close.
      const recordings = new MicrophoneRecordings({
        dir: join(options.dataDir, 'recordings-in-progress'),
        journal: () => library.active,
        idleMs: recordingIdleMsFromEnvironment(options.env ?? process.env)
      })
      await recordings.boot()
      stack.opened('microphone recordings', recordings, (service) => service.shutdown())
      const backups = new JournalBackups(options.dataDir, keys, options.chooseBackupFile)
      for (const link of options.seed ?? []) {
        const { item } = await library.add(link)
        if (!item.writable) await library.setSeeding(item.key, 'seeding')
      }
      // The same path as the window's "Calls arrive through an always-on host": a pair already
      // collecting carries on as it was, so giving the flag at every start changes nothing.
      for (const link of options.collectFrom ?? []) {
        await library.collectFrom(link).then(
          () => log.info({ from: link.split('#')[0] }, 'the active journal collects from this journal'),
          (error: unknown) => log.warn({ err: error, from: link.split('#')[0] }, `not collecting from this journal: ${(error as Error).message}`)
        )
      }
      if (options.keepDays !== undefined) {
        const retention = new EntryRetention({ keepDays: options.keepDays, journal: () => library.active })
        stack.opened('retention', retention, (service) => service.close())
        retention.start()
      }
      // Reading a large journal's index cold takes most of a second; start now so the window's
      // first list comes from the cache instead of waiting for the disk.
      library.active.listEntries().catch((error: unknown) => log.error({ err: error }, "cannot warm the active journal's entry list"))
      const webhooks = new WebhookServer()
      const publisher = await Publisher.boot({
        dataDir: options.dataDir,
        library,
        links: options.publish ?? [],
        // The same base as the webhook addresses given to Vonage; where it listens until one is set.
        baseUrl: () => settings.value.publicUrl || new URL(webhooks.localUrl ?? 'http://127.0.0.1/').origin
      })
      mountPublicRoutes(webhooks.app, publisher)
      // Opened before intake and closed after it: whatever intake tells the team while it hands
      // over its last calls still reaches the outbox.
      const notifier = stack.opened(
        'team notifications',
        await Notifier.boot({ dataDir: options.dataDir, settings: () => settings.value, retry: retryPolicyFromEnvironment(options.env ?? process.env) }),
        (service) => service.close()
      )
      // Calls always land in whichever journal is active when they end.
      const intake = stack.opened(
        'phone intake',
        await IntakeService.boot({
          dataDir: options.dataDir,
          settings,
          journal: () => library.active,
          ownJournals: () => library.ownJournals(),
          webhooks,
          downloadConcurrency: options.downloadConcurrency,
          journalName: () => library.item(library.active.id).name,
          notify: (event) => notifier.publish(event)
        }),
        (service) => service.shutdown(),
        HAND_OVER_LIMIT_MS + 5000
      )
      // Closed before intake: no new webhook or call arrives while live calls are handed over.
      stack.opened('webhooks', webhooks, (server) => server.close())
      return new AppServices(options.dataDir, settings, journals, swarm, library, importer, recordings, webhooks, intake, notifier, publisher, stack, restored, backups, search, options.openFolder)
    } catch (error) {
      await stack.closeAll()
      throw error
    }
  }

  /** Where new calls and imports go. */
  get activeJournal(): Journal {
    return this.library.active
  }

  /**
   * A hyper:// link (or key) from outside the window: the OS, a browser, the command line. The
   * journal joins the library and the window is asked to show it (at the link's version).
   */
  async openLink(link: string): Promise<{ journal: string; version?: number }> {
    const { item, version } = await this.library.add(link)
    const target = version === undefined ? { journal: item.key } : { journal: item.key, version }
    this.emit('open', target)
    return target
  }

  pauseAllSeeding(): Promise<void> {
    return this.library.pauseAll()
  }

  resumeAllSeeding(): Promise<void> {
    return this.library.resumeAll()
  }

  /**
   * Inputs stop first (webhooks, then live calls are finished and handed over), then the library,
   * the swarm, and the journals' store last: the order Hyperdrive needs, with nothing written
   * half. A service that fails to close is logged and the rest still close; the failures are
   * returned for the entries to report.
   */
  shutdown(): Promise<CloseFailure[]> {
    return this.stack.closeAll()
  }
}
