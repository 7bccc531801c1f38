import type { HypercoreLike } from 'hyperdrive'
import { ApiError } from '#shared/api'
import { logger } from '../app/logging'
import type { Journal, WriteHold } from '../journal/journal'
import type { RestoredJournal } from './restored-journals'

const log = logger('catch-up')

export const CATCHING_UP_REASON =
  'This journal was restored from a backup and is catching up with its peers: it can be changed once it holds their latest version. Calls wait until then.'

/**
 * A peer's sync message says how long its copy is, but Hypercore emits nothing when one arrives
 * (only when a peer connects or the core grows): look again this often meanwhile.
 */
const RECHECK_MS = 2000

/** What Hypercore's replicator knows of a connected peer's copy (lib/replicator.js, Peer). */
interface RemoteCopy {
  remoteSynced: boolean
  remoteLength: number
}

/**
 * Holds a restored own journal's writes until it holds as much as the backup recorded and as
 * much as every reachable peer has, for both its cores (index and audio), with the whole index
 * here (a write reads it). Appending earlier would fork the history: peers holding a longer
 * copy would see two versions of one length and refuse the new one (privacy.md, "Writer
 * identity"). With no peer reachable it waits, until one is, or until the user says this copy
 * is the latest (`confirmLatest`).
 */
export class CatchUp implements WriteHold {
  readonly reason = CATCHING_UP_REASON
  readonly released: Promise<void>
  private release!: () => void
  private done = false
  private stopped = false
  private wake: (() => void) | null = null
  private indexDownload: { destroy(): void } | null = null

  constructor(
    private readonly journal: Journal,
    private readonly floor: RestoredJournal['lengths'],
    /** Called once caught up (or confirmed), before writes go on: the mark must not outlive it. */
    private readonly settled: () => Promise<void>
  ) {
    this.released = new Promise((resolve) => (this.release = resolve))
  }

  /** Holds the journal's writes and starts catching up in the background. */
  start(): void {
    this.journal.holdWrites(this)
    this.run().catch((error: unknown) => {
      if (!this.stopped) log.error({ err: error, journal: this.journal.id }, 'catching up with peers failed; the journal stays read-only until the app restarts')
    })
  }

  /** The app is closing: stop waiting for peers (the mark stays, so the next start catches up again). */
  stop(): void {
    this.stopped = true
    this.indexDownload?.destroy()
    this.wake?.()
  }

  /**
   * "This is the latest copy": writes go on without a peer having confirmed it. Only a copy that
   * holds its whole index and at least what the backup recorded can be written at all.
   */
  async confirmLatest(): Promise<void> {
    if (this.done) return
    const index = this.journal.drive.core
    const audio = (await this.journal.drive.getBlobs()).core
    if (index.length < this.floor.index || audio.length < this.floor.audio || index.contiguousLength < index.length) {
      throw new ApiError(
        'unavailable',
        `This copy does not hold the journal yet (${index.contiguousLength} of the ${Math.max(index.length, this.floor.index)} index blocks it needs): it can be written once a peer that has it is reachable.`
      )
    }
    log.warn({ journal: this.journal.id, length: index.length }, 'the user chose this restored copy as the latest; writing without a peer having confirmed it')
    await this.finish()
  }

  private async run(): Promise<void> {
    const index = this.journal.drive.core
    const audio = (await this.journal.drive.getBlobs()).core
    while (!this.stopped && !this.done) {
      // Resolves once every connected peer has said how long its copy is (or none is reachable).
      await Promise.all([index.update({ wait: true, force: true }), audio.update({ wait: true, force: true })])
      if (this.stopped || this.done) return
      if (this.caughtUp(index, audio)) {
        const lengths = [index.length, audio.length]
        const download = index.download({ start: 0, end: index.length })
        this.indexDownload = download
        await download.done()
        this.indexDownload = null
        // Nothing new arrived while the index came: this is the latest any peer has.
        if (!this.stopped && index.length === lengths[0] && audio.length === lengths[1]) return this.finish(audio)
        continue
      }
      await this.nextChange([index, audio])
    }
  }

  /**
   * At least the backup's lengths and every synced peer's, with one peer synced on the index. The
   * audio core needs a synced peer too once the index has anything (a peer opens the audio core
   * when it reads the index's header, so one that holds the journal always does).
   */
  private caughtUp(index: HypercoreLike, audio: HypercoreLike): boolean {
    const synced = (core: HypercoreLike): RemoteCopy[] => (core.peers satisfies RemoteCopy[]).filter((peer) => peer.remoteSynced)
    const covers = (core: HypercoreLike, floor: number): boolean => core.length >= floor && synced(core).every((peer) => peer.remoteLength <= core.length)
    const indexPeers = synced(index).length
    const audioPeers = synced(audio).length
    return indexPeers > 0 && (index.length === 0 || audioPeers > 0) && covers(index, this.floor.index) && covers(audio, this.floor.audio)
  }

  /** A peer came or went, a core grew, or it is time to look at the peers' lengths again. */
  private nextChange(cores: HypercoreLike[]): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, RECHECK_MS)
      const events = ['peer-add', 'peer-remove', 'append'] as const
      function wake(): void {
        clearTimeout(timer)
        for (const core of cores) for (const event of events) core.off(event, wake)
        resolve()
      }
      for (const core of cores) for (const event of events) core.on(event, wake)
      this.wake = wake
    })
  }

  private async finish(audio?: HypercoreLike): Promise<void> {
    if (this.done) return
    this.done = true
    await this.settled()
    this.journal.holdWrites(null)
    this.release()
    log.info({ journal: this.journal.id, version: this.journal.drive.version }, 'the restored journal has caught up with its peers; it writes again')
    // Own journals are served in full: the audio comes back from the peers in the background.
    if (audio && audio.length > 0) {
      audio
        .download({ start: 0, end: audio.length })
        .done()
        .catch((error: unknown) => log.debug({ err: error, journal: this.journal.id }, 'the audio of a restored journal is not all back yet'))
    }
  }
}
