import { EventEmitter } from 'node:events'
import type { HypercoreLike, HypercorePeer } from 'hyperdrive'
import type { HeldElsewhere } from '#shared/dto'
import type { Journal } from '../journal/journal'
import { logger } from '../app/logging'

const log = logger('holders')

/**
 * How often connected peers are looked at again while one of them is not a full holder. Hypercore
 * 11 emits no event when one peer's ranges change: 'remote-contiguous-length' fires only when the
 * longest run any peer announced grows. That covers the first peer to complete each new version
 * (the usual case, and at once); a second peer completing the same version, a peer that got its
 * blocks from another peer, or a peer clearing blocks, is only seen by reading the peers. Reading
 * them is a few property reads per peer, so a slow poll while someone is still catching up is
 * cheaper than anything that would hook hypercore's internals.
 */
const RECHECK_MS = 3000

/**
 * append/truncate: the version moved (nobody holds the new one yet); peer-add/remove: the set
 * changed; remote-contiguous-length: a peer announced a longer run from block 0 than anyone had.
 */
const EVENTS = ['append', 'truncate', 'peer-add', 'peer-remove', 'remote-contiguous-length'] as const

/**
 * Who else holds one of our journals: the connected peers that hold every block of both its cores
 * (the Hyperbee index and the audio) up to their current lengths, and since when the current
 * version has been held by at least one of them. A reader that fetched a few blocks, or a peer
 * merely connected, is not a holder. "Since" is as seen from here: the first moment a holder of
 * this version was connected to this app; it stays when that peer goes offline (the copy was
 * made), and clears when the journal changes again.
 */
export class Holders extends EventEmitter<{ change: [] }> {
  private readonly cores: HypercoreLike[]
  private audioKnown = false
  private peers = 0
  private latestSince: number | null = null
  /** The cores' lengths `latestSince` is about. */
  private lengths = ''
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private readonly recheck = (): void => this.evaluate()

  constructor(
    private readonly journal: Journal,
    private readonly now: () => number = Date.now
  ) {
    super()
    this.cores = [journal.drive.core]
    this.listen(journal.drive.core)
    journal.drive.getBlobs().then(
      (blobs) => {
        if (this.closed) return
        this.cores.push(blobs.core)
        this.audioKnown = true
        this.listen(blobs.core)
        this.evaluate()
      },
      // Closed before its audio core opened: there is nothing left to watch.
      (error: unknown) => log.debug({ err: error, journal: journal.id }, 'audio core not opened')
    )
  }

  /** Read fresh (a few property reads): a list asked for between two checks is still exact. */
  summary(): HeldElsewhere {
    this.evaluate()
    return { peers: this.peers, latestSince: this.latestSince }
  }

  close(): void {
    this.closed = true
    for (const core of this.cores) this.unlisten(core)
    this.stopRechecks()
  }

  private listen(core: HypercoreLike): void {
    for (const event of EVENTS) core.on(event, this.recheck)
  }

  private unlisten(core: HypercoreLike): void {
    for (const event of EVENTS) core.off(event, this.recheck)
  }

  private evaluate(): void {
    if (this.closed) return
    const lengths = this.cores.map((core) => `${core.fork}:${core.length}`).join('/')
    const before = `${this.peers}:${this.latestSince}`
    if (lengths !== this.lengths) {
      this.lengths = lengths
      this.latestSince = null
    }
    // Until the audio core is open, nobody can be shown to hold it.
    const holders = this.audioKnown ? fullHolders(this.cores) : new Set<string>()
    this.peers = holders.size
    if (this.peers > 0 && this.latestSince === null) this.latestSince = this.now()
    const connected = new Set(this.journal.drive.core.peers.map(peerId)).size
    if (connected > this.peers) this.startRechecks()
    else this.stopRechecks()
    if (`${this.peers}:${this.latestSince}` !== before) this.emit('change')
  }

  private startRechecks(): void {
    this.timer ??= setInterval(this.recheck, RECHECK_MS).unref()
  }

  private stopRechecks(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}

/** The peers (by connection key) that hold blocks 0 to length of every core; a core with no blocks asks nothing. */
function fullHolders(cores: readonly HypercoreLike[]): Set<string> {
  const perCore = cores
    .filter((core) => core.length > 0)
    .map((core) => new Set(core.peers.filter((peer) => peer.remoteFork === core.fork && peer.remoteContiguousLength >= core.length).map(peerId)))
  const [first, ...others] = perCore
  return new Set([...(first ?? [])].filter((id) => others.every((holders) => holders.has(id))))
}

function peerId(peer: HypercorePeer): string {
  return peer.remotePublicKey.toString('hex')
}
