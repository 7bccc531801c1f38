import { EventEmitter } from 'node:events'
import type Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import Hyperdrive, { type HypercoreLike } from 'hyperdrive'
import { encode as encodeKey } from 'hypercore-id-encoding'
import type { SeedingProgress, SeedingState } from '#shared/dto'
import { logger } from '../app/logging'
import { CoreProgress } from './core-progress'
import { SpeedMeter } from './speed-meter'

const log = logger('blind-host')

export type HeldJournalKind = 'unknown' | 'public' | 'private'

/**
 * A peer's journal held at the core level, without opening it as a Hyperdrive: a private
 * journal added by its public key alone. Its two cores (the index and
 * the audio) are downloaded, verified and served block by block, new blocks followed, and
 * nothing is ever decrypted: the audio core's key comes from the index core's manifest.
 *
 * A journal added by key alone may be public or private; its first block tells (`kind`), and
 * until then this is all the app holds of it. The library opens a public one as a Hyperdrive.
 */
export class BlindHost extends EventEmitter<{ kind: [HeldJournalKind]; progress: []; peers: []; change: [] }> {
  kind: HeldJournalKind = 'unknown'
  private readonly speed = new SpeedMeter()
  private readonly cores: CoreProgress[] = []
  private ranges: Array<{ destroy(): void }> = []
  private audio: HypercoreLike | null = null
  private closed = false

  private constructor(
    private readonly store: Corestore,
    readonly index: HypercoreLike,
    private state: SeedingState
  ) {
    super()
    index.on('peer-add', () => this.emit('peers'))
    index.on('peer-remove', () => this.emit('peers'))
    index.on('append', () => {
      this.emit('change')
      this.emit('progress')
    })
    this.track(index)
  }

  /** Holds journal `key`; what it is becomes known in the background (`kind` event). */
  static async open(store: Corestore, key: Buffer, state: SeedingState): Promise<BlindHost> {
    const index = store.get({ key })
    await index.ready()
    const host = new BlindHost(store, index, state)
    host.learnKind()
    return host
  }

  get id(): string {
    return encodeKey(this.index.key)
  }

  get discoveryKey(): Buffer {
    return this.index.discoveryKey
  }

  findingPeers(): () => void {
    return this.index.findingPeers()
  }

  get peers(): number {
    return this.index.peers.length
  }

  /** Versions as a Hyperdrive counts them: the index core's length. */
  get version(): number {
    return this.index.length
  }

  get lookingForPeers(): boolean {
    return this.peers === 0 && this.index.contiguousLength === 0
  }

  get seeding(): SeedingState {
    return this.state
  }

  setState(state: SeedingState): void {
    if (state === this.state) return
    this.state = state
    this.applyState()
    this.emit('progress')
  }

  progress(): SeedingProgress {
    // Entries in the index but an audio core not known or of length 0: its length is not known yet.
    const audioUnknown = this.index.length > 1 && (this.audio?.length ?? 0) === 0
    return {
      state: this.state,
      bytesDownloaded: this.cores.reduce((sum, core) => sum + core.bytesHeld, 0),
      bytesTotal: this.cores.reduce((sum, core) => sum + core.core.byteLength, 0),
      bytesPerSecond: this.speed.bytesPerSecond(),
      complete: this.kind === 'private' && !audioUnknown && this.cores.every((core) => core.complete)
    }
  }

  /** Clears every block held of both cores (the journal leaves the library). */
  async clearLocalCopy(): Promise<void> {
    this.stopDownloads()
    for (const { core } of this.cores) if (core.length > 0) await core.clear(0, core.length)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.stopDownloads()
    await Promise.all(this.cores.map((progress) => progress.core.close()))
  }

  /** Waits for the first block (it needs a peer), then opens the audio core if the journal is private. */
  private learnKind(): void {
    const learn = async (): Promise<void> => {
      const readable = await Hyperbee.isHyperbee(this.index)
      if (this.closed) return
      this.kind = readable ? 'public' : 'private'
      if (this.kind === 'private') await this.openAudio()
      this.emit('kind', this.kind)
    }
    learn().catch((error: unknown) => {
      if (!this.closed) log.error({ err: error, journal: this.id }, 'cannot tell whether this journal is private')
    })
  }

  private async openAudio(): Promise<void> {
    // The index core's manifest (it arrived with the first block) names the audio core's key.
    const audio = this.store.get({ key: Hyperdrive.getContentKey(this.index) })
    await audio.ready()
    if (this.closed) {
      await audio.close()
      return
    }
    this.audio = audio
    this.track(audio)
    audio.on('append', () => {
      // A range made while the core's length was unknown may miss blocks: make it again.
      this.recount(this.cores.at(-1)!)
      this.applyState()
      this.emit('progress')
    })
    audio.on('peer-add', () => this.emit('peers'))
    if (audio.length === 0) {
      audio.update({ wait: true }).catch((error: unknown) => log.debug({ err: error, journal: this.id }, 'audio core length not known yet'))
    }
    this.applyState()
  }

  private track(core: HypercoreLike): void {
    const progress = new CoreProgress(core, (bytes) => {
      this.speed.add(bytes)
      this.emit('progress')
    })
    this.cores.push(progress)
    this.recount(progress)
  }

  private recount(progress: CoreProgress): void {
    progress.count().then(
      () => this.emit('progress'),
      (error: unknown) => log.debug({ err: error, journal: this.id }, 'block count interrupted')
    )
  }

  private applyState(): void {
    this.stopDownloads()
    // Nothing is downloaded before the journal is known to be private: a public one is read
    // through its Hyperdrive instead, and the first block is all it takes to tell.
    if (this.state !== 'seeding' || this.closed || this.kind !== 'private') return
    this.ranges = this.cores.map((progress) => progress.core.download({ start: 0, end: -1 }))
  }

  private stopDownloads(): void {
    for (const range of this.ranges) range.destroy()
    this.ranges = []
  }
}
