import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type Hyperdrive from 'hyperdrive'
import type { BlobPointer, DriveEntry, DriveEntryValue } from 'hyperdrive'
import SubEncoder from 'sub-encoder'
import type { Transcript } from '#shared/transcript'
import type { AudioFormat, CollectedFrom, EntryDto, EntryMetadata, EntrySource, HistoryPage, JournalStatus, Provenance, VersionChange } from '#shared/dto'
import { probeAudio, type AudioProbe } from './audio-probe'
import { copyFileIntoBlobs } from './blob-copy'
import type { ByteRange } from './byte-range'
import type { ChangeClock } from './change-clock'
import { entryPath, entryPathsOfTranscript, entryStemOf, formatOfPath, isEntryPath, isTranscriptPath, transcriptPathOf } from './entry-path'
import { correctedTranscript, parseTranscript, transcriptFileMetadata } from './transcript-file'
import { entryDtoOf, isCallId, listedEntries, readMetadata } from './entry-dto'
import type { TranscriptSentenceDto } from '#shared/transcript-dto'
import { decodeProvenance, encodeProvenance, PROVENANCE_PATH } from './provenance'
import { SerialQueue } from './serial-queue'
import type { EntryListFiles } from './entry-list-file'
import { OwnEntryList } from './own-entry-list'
import { logger } from '../app/logging'

const log = logger('journal')

/** Hyperdrive keeps its files under this Hyperbee sub; history must decode keys the same way. */
const FILES_KEY_ENCODING = new SubEncoder('files', 'utf-8')
const RECORDINGS = '/recordings'
/** How long reading a peer's provenance record may wait for a peer before the fork shows none. */
const PROVENANCE_WAIT_MS = 5000
/**
 * How long a read of a peer's journal waits for a block that is not here. Without a limit, a
 * list or history of a journal whose peers are all gone would never answer.
 */
const REMOTE_READ_TIMEOUT_MS = 10_000
/** History pages remembered per journal: the newest page of the last few versions, and pages paged back to. */
const HISTORY_PAGES_KEPT = 16

export interface AddAudioOptions {
  source: EntrySource
  /** Becomes the file name; a repeated id returns the existing entry instead of adding twice. */
  id?: string
  madeAt?: Date
  title?: string
  partial?: boolean
  /** Collected from another journal: where it came from. */
  collectedFrom?: CollectedFrom
  /** The opaque id of the call the audio was recorded in (metadata `call`). */
  callId?: string
  /**
   * Format and duration, from a caller that wrote the file itself (the stream receiver) and so
   * knows them without parsing it again. Anything from outside is probed.
   */
  audio?: AudioProbe
}

/** An entry's audio, opened for reading at one version. Close it when the response is done. */
export interface AudioHandle {
  path: string
  size: number
  format: AudioFormat
  /** `timeout`: how long to wait for each block a peer has to send (default: as long as it takes). */
  read(range?: ByteRange, options?: { timeout?: number }): Readable
  close(): Promise<void>
}

export class JournalError extends Error {
  constructor(
    readonly code: 'not-found' | 'read-only' | 'bad-version',
    message: string
  ) {
    super(message)
    this.name = 'JournalError'
  }
}

/** Why writes wait and when they may go on: a restored journal catching up (src/main/identity/catch-up.ts). */
export interface WriteHold {
  readonly reason: string
  /** Resolves when writes may go on. */
  readonly released: Promise<void>
}

interface JournalEvents {
  /** The version moved (a local write or replicated data). */
  change: []
  /** A peer connected to or left this journal. */
  peers: []
  /** This app added an entry (not emitted for a repeated id, nor for replicated entries). */
  added: [EntryDto]
  /** Blocks of entries arrived from a peer. */
  blocks: []
  /** Writes were held or let go again (see WriteHold). */
  hold: []
}

/**
 * One journal: a Hyperdrive of audio entries under /recordings with their metadata.
 * The same class serves the user's own (writable) journal and journals read from peers.
 */
export class Journal extends EventEmitter<JournalEvents> {
  private readonly writes = new SerialQueue()
  /** A peer's journal's list at the current version; `blockOffsets` lets it refresh just its block counts. */
  private listCache: { version: number; entries: EntryDto[]; blockOffsets: Map<string, number> } | null = null
  /** The walk of the index in progress, shared by everyone who asks for the same version meanwhile. */
  private listing: { version: number; done: Promise<{ entries: EntryDto[]; blockOffsets: Map<string, number> }> } | null = null
  private provenanceRead: Promise<Provenance | null> | null = null
  private readonly historyPages = new Map<string, Promise<HistoryPage>>()
  private closed = false
  private hold: WriteHold | null = null

  /** My own journal's list, caught up from the diff and kept between runs; null for a peer's journal. */
  private readonly ownList: OwnEntryList | null

  constructor(
    readonly drive: Hyperdrive,
    private readonly clock: ChangeClock,
    /** Where my own journals' lists are kept between runs; none: walked at every start. */
    lists: EntryListFiles | null = null
  ) {
    super()
    this.ownList = drive.writable ? new OwnEntryList(drive, lists) : null
    const onChange = (): void => {
      this.clock.touch(this.id)
      this.emit('change')
    }
    const onPeers = (): void => {
      this.emit('peers')
    }
    drive.core.on('append', onChange)
    drive.core.on('truncate', onChange)
    drive.core.on('peer-add', onPeers)
    drive.core.on('peer-remove', onPeers)
    if (!drive.writable) this.watchBlobDownloads()
  }

  get id(): string {
    return this.drive.id
  }

  get writable(): boolean {
    return this.drive.writable
  }

  get discoveryKey(): Buffer {
    return this.drive.discoveryKey
  }

  /** Until the returned function is called, the drive's first `update({ wait: true })` waits for peers. */
  findingPeers(): () => void {
    return this.drive.findingPeers()
  }

  /** Set while writes are held: imports, renames and deletions are refused with its reason. */
  get writeHold(): WriteHold | null {
    return this.hold
  }

  holdWrites(hold: WriteHold | null): void {
    this.hold = hold
    this.emit('hold')
  }

  /** Resolves once writes are not held: calls wait here instead of being refused. */
  async untilWritesAllowed(): Promise<void> {
    while (this.hold) await this.hold.released
  }

  get peers(): number {
    return this.drive.core.peers.length
  }

  /** Nothing of a peer's journal can be read here (not even its first block) and no peer is connected. */
  get lookingForPeers(): boolean {
    return !this.writable && this.peers === 0 && this.drive.core.contiguousLength === 0
  }

  async status(): Promise<JournalStatus> {
    const entries = await this.listEntries()
    return {
      key: this.id,
      peers: this.peers,
      version: this.drive.version,
      updatedAt: this.clock.lastChange(this.id),
      size: entries.reduce((sum, entry) => sum + entry.size, 0),
      entries: entries.length
    }
  }

  /** Entries newest first, at the current version or at an older one (read-only). */
  async listEntries(version?: number): Promise<EntryDto[]> {
    if (version !== undefined) return this.atVersion(version, async (snapshot) => (await this.readEntries(snapshot)).entries)
    if (this.ownList) return this.drive.core.length === 0 ? [] : this.ownList.list()
    const current = this.drive.version
    const cached = this.listCache?.version === current ? this.listCache : null
    // A peer's journal at the same version has the same entries; only their blocks fill in, and
    // counting those is cheap next to walking the index again (the window asks while seeding).
    if (cached) {
      const entries = await Promise.all(
        cached.entries.map(async (entry) =>
          entry.blocksDownloaded === entry.blocksTotal
            ? entry
            : { ...entry, blocksDownloaded: await this.countLocalBlocks(cached.blockOffsets.get(entry.path)!, entry.blocksTotal) }
        )
      )
      this.listCache = { ...cached, entries }
      return entries
    }
    // A journal nobody has served yet has no index to read; asking would wait for a peer.
    if (this.drive.core.length === 0 || this.lookingForPeers) return []
    // The warm-up at start, a status push and the window's own request often ask at once: one
    // walk of a 10,000-entry index answers them all.
    if (this.listing?.version !== current) {
      const done = this.readEntries(this.drive)
      const listing = { version: current, done }
      this.listing = listing
      const settled = (): void => {
        if (this.listing === listing) this.listing = null
      }
      done.then(settled, settled)
    }
    const listing = await this.listing.done
    this.listCache = { version: current, ...listing }
    return listing.entries
  }

  async getEntry(path: string, version?: number): Promise<EntryDto | null> {
    if (!isEntryPath(path)) return null
    const read = async (drive: Hyperdrive): Promise<EntryDto | null> => {
      const entry = await drive.entry(path, this.readOptions)
      return entry ? this.toDto(entry, drive === this.drive) : null
    }
    return version === undefined ? read(this.drive) : this.atVersion(version, read)
  }

  /**
   * Adds an audio file. Format and duration come from the audio itself (unless the caller wrote
   * it and says what they are); a file that is not audio throws NotAudioError before anything
   * is written.
   */
  async addAudioFile(filePath: string, options: AddAudioOptions): Promise<EntryDto> {
    this.requireWritable()
    // Probing happens inside the write queue too: when hundreds of calls end at once, probing
    // all their files together would hold all their parsers' buffers at once.
    return this.writes.run(async () => {
      const probe = options.audio ?? (await probeAudio(filePath))
      const madeAt = options.madeAt ?? new Date()
      const path = entryPath(madeAt, options.id ?? randomUUID(), probe.format)
      const existing = await this.drive.entry(path)
      if (existing) return this.toDto(existing)
      const metadata: EntryMetadata = {
        mtime: madeAt.getTime(),
        durationMs: probe.durationMs,
        format: probe.format,
        source: options.source,
        ...(options.title ? { title: options.title } : {}),
        ...(options.partial ? { partial: true } : {}),
        ...(options.collectedFrom ? { collectedFrom: { key: options.collectedFrom.key, path: options.collectedFrom.path } } : {}),
        ...(options.callId && isCallId(options.callId) ? { call: options.callId } : {})
      }
      const value: DriveEntryValue = { executable: false, linkname: null, blob: await copyFileIntoBlobs((await this.drive.getBlobs()).core, filePath), metadata }
      await this.drive.putEntry(path, value)
      // What was just written, without reading it back: every write to this drive is in this queue.
      const dto = await this.toDto({ seq: this.drive.version - 1, key: path, value })
      this.emit('added', dto)
      return dto
    })
  }

  /**
   * Removes an entry from the current version. Its blocks stay, so older versions can still play
   * it, unless `erase`: then its audio blocks are cleared from this computer once the deletion is
   * written (history keeps the deletion, its title and size; peers keep whatever they copied).
   */
  async deleteEntry(path: string, { erase = false }: { erase?: boolean } = {}): Promise<void> {
    this.requireWritable()
    await this.writes.run(async () => {
      const entry = isEntryPath(path) ? await this.drive.entry(path) : null
      if (!entry) throw new JournalError('not-found', `No entry at ${path}`)
      // Its transcript goes with it (the words said are no less the entry than its audio), first,
      // so that history still finds the entry it belonged to.
      const transcript = await this.drive.entry(transcriptPathOf(path))
      if (transcript) await this.drive.del(transcript.key)
      await this.drive.del(path)
      // Every entry's audio (and transcript) is its own run of blocks (a rename reuses it at the
      // same path), so clearing it takes nothing from another entry.
      for (const blob of [entry.value.blob, transcript?.value.blob]) {
        if (erase && blob) await (await this.drive.getBlobs()).core.clear(blob.blockOffset, blob.blockOffset + blob.blockLength)
      }
    })
  }

  /**
   * Stores `transcript` beside the entry at `entryPath` (`transcriptPathOf`: its folder and id,
   * `.transcript.json`), as Vonage's transcript JSON, in the journal's write queue like every write;
   * it replicates and is encrypted like any file of the journal. The same transcript again writes
   * nothing (a redelivered transcription event), so `written` is false then. Throws not-found when
   * the entry is not in the journal (yet).
   */
  async putTranscript(entryPath: string, transcript: Transcript): Promise<{ path: string; written: boolean }> {
    this.requireWritable()
    return this.writes.run(async () => {
      if (!isEntryPath(entryPath) || !(await this.drive.entry(entryPath))) throw new JournalError('not-found', `No entry at ${entryPath}`)
      const path = transcriptPathOf(entryPath)
      const bytes = Buffer.from(JSON.stringify(transcript))
      const existing = await this.drive.get(path)
      if (existing?.equals(bytes)) return { path, written: false }
      // The metadata carries the first sentence, so a list shows an untitled entry by it without opening the file.
      await this.drive.put(path, bytes, { metadata: transcriptFileMetadata(transcript, { mtime: Date.now() }) })
      return { path, written: true }
    })
  }

  /** True when the entry at `entryPath` has a transcript in the current version. */
  async hasTranscript(entryPath: string): Promise<boolean> {
    if (!isEntryPath(entryPath)) return false
    return (await this.drive.entry(transcriptPathOf(entryPath), this.readOptions)) !== null
  }

  /** Sets the title (empty clears it) by rewriting the entry's record; the audio blocks are reused. */
  async renameEntry(path: string, title: string): Promise<EntryDto> {
    this.requireWritable()
    return this.writes.run(async () => {
      const entry = isEntryPath(path) ? await this.drive.entry(path) : null
      if (!entry) throw new JournalError('not-found', `No entry at ${path}`)
      const { title: _previous, ...rest } = readMetadata(entry)
      const metadata: EntryMetadata = title.trim() ? { ...rest, title: title.trim() } : rest
      await this.drive.putEntry(path, { ...entry.value, metadata })
      return this.toDto({ ...entry, value: { ...entry.value, metadata } })
    })
  }

  /**
   * The transcript beside an entry, checked with the one schema, at the current version or an
   * older one. None, or a file that is not a transcript (a peer's broken or hostile one): null,
   * and the reason is logged, so a bad file never breaks the window.
   */
  async getTranscript(path: string, version?: number): Promise<Transcript | null> {
    if (!isEntryPath(path)) return null
    const read = (drive: Hyperdrive): Promise<Transcript | null> => this.readTranscript(drive, transcriptPathOf(path))
    return version === undefined ? read(this.drive) : this.atVersion(version, read)
  }

  /** Reads and checks a transcript file of `drive` (this journal or a snapshot of it). */
  async readTranscript(drive: Hyperdrive, transcriptPath: string): Promise<Transcript | null> {
    let bytes: Buffer | null
    try {
      bytes = await drive.get(transcriptPath, this.readOptions)
    } catch (error) {
      log.warn({ err: error, journal: this.id, path: transcriptPath }, 'transcript not readable')
      return null
    }
    if (!bytes) return null
    const parsed = parseTranscript(bytes)
    if ('error' in parsed) {
      log.warn({ journal: this.id, path: transcriptPath, reason: parsed.error }, 'transcript refused')
      return null
    }
    return parsed.transcript
  }

  /**
   * Writes the transcript of an entry as the window corrected it: the sentences and words it
   * shows, each with its time. What Vonage added that the window does not show is kept. A new
   * version of the journal; history shows it as the entry's transcript changing.
   */
  async saveTranscript(path: string, sentences: TranscriptSentenceDto[]): Promise<void> {
    this.requireWritable()
    await this.writes.run(async () => {
      const entry = isEntryPath(path) ? await this.drive.entry(path) : null
      if (!entry) throw new JournalError('not-found', `No entry at ${path}`)
      const transcriptPath = transcriptPathOf(path)
      const previous = await this.readTranscript(this.drive, transcriptPath)
      const transcript = correctedTranscript(previous, sentences)
      await this.drive.put(transcriptPath, Buffer.from(JSON.stringify(transcript)), {
        metadata: transcriptFileMetadata(transcript, { corrected: previous !== null })
      })
    })
  }

  /**
   * Runs `read` on the journal frozen at `version` (default: the current one), with the version
   * it is at and the read options for this journal. For readers (the search index) that walk a
   * whole version and must not see it move under them.
   */
  async readSnapshot<T>(version: number | undefined, read: (drive: Hyperdrive, at: number) => Promise<T>): Promise<T> {
    const at = version ?? this.drive.version
    if (version === undefined) {
      const snapshot = this.drive.checkout(at)
      try {
        return await read(snapshot, at)
      } finally {
        await snapshot.close()
      }
    }
    return this.atVersion(version, (snapshot) => read(snapshot, at))
  }

  /** The read options for this journal: a peer's reads give up after a while. */
  get readLimits(): { timeout?: number } {
    return this.readOptions
  }

  /** Changes newest first. Each item's version is the journal right after that change. */
  async history({ limit = 200, before }: { limit?: number; before?: number } = {}): Promise<HistoryPage> {
    if (this.lookingForPeers) return { items: [], nextBefore: null }
    // A page of a version's history never changes (the log only grows), and working one out reads
    // the journal as it was before each change: the window asks for the same page on every open.
    const id = `${this.drive.version}:${before ?? ''}:${limit}`
    let page = this.historyPages.get(id)
    if (!page) {
      page = this.readHistory(limit, before)
      this.historyPages.set(id, page)
      page.catch(() => this.historyPages.delete(id))
      if (this.historyPages.size > HISTORY_PAGES_KEPT) this.historyPages.delete(this.historyPages.keys().next().value!)
    }
    return page
  }

  private async readHistory(limit: number, before: number | undefined): Promise<HistoryPage> {
    const options: Record<string, unknown> = { reverse: true, limit, keyEncoding: FILES_KEY_ENCODING, ...this.readOptions }
    // A change at Hyperbee seq s produces version s + 1.
    if (before !== undefined) options.lt = before - 1
    const items: HistoryPage['items'] = []
    let read = 0
    let oldestVersion: number | null = null
    for await (const node of this.drive.db.createHistoryStream(options)) {
      read++
      oldestVersion = node.seq + 1
      if (isTranscriptPath(node.key)) {
        items.push(await this.transcriptHistoryItem(node))
        continue
      }
      // Records that are not entries (a fork's provenance) are part of the drive, not the journal.
      if (!isEntryPath(node.key)) continue
      // The journal just before the change tells an addition from a change, and still knows
      // the title of what a deletion removed.
      const previous = await this.atVersion(node.seq, (drive) => drive.entry(node.key, this.readOptions))
      const metadata = (node.value ?? previous?.value)?.metadata as Partial<EntryMetadata> | undefined
      items.push({
        version: node.seq + 1,
        type: node.type,
        change: node.type === 'del' ? 'deleted' : previous ? 'changed' : 'added',
        path: node.key,
        ...(metadata?.title ? { title: metadata.title } : {})
      })
    }
    // A page cut short by `limit` may have older changes; paging goes on from the oldest one read.
    return { items, nextBefore: read === limit && oldestVersion !== null && oldestVersion > 2 ? oldestVersion : null }
  }

  /** A transcript's change, told as a change of its entry: its path and title after the change. */
  private async transcriptHistoryItem(node: { seq: number; type: HistoryPage['items'][number]['type']; key: string; value: DriveEntry['value'] | null }): Promise<HistoryPage['items'][number]> {
    // The entry as the journal had it right after the change (or just before, for a removal that went with it).
    const entry = (await this.entryOfTranscript(node.key, node.seq + 1)) ?? (await this.entryOfTranscript(node.key, node.seq))
    const previous = node.type === 'del' ? null : await this.atVersion(node.seq, (drive) => drive.entry(node.key, this.readOptions))
    const title = entry ? readMetadata(entry).title : undefined
    return {
      version: node.seq + 1,
      type: node.type,
      change: node.type === 'del' ? 'deleted' : previous ? 'changed' : 'added',
      path: entry?.key ?? node.key,
      subject: 'transcript',
      ...(title ? { title } : {})
    }
  }

  /** The entry a transcript belongs to, at `version` (its format is not in the transcript's path). */
  private async entryOfTranscript(transcriptPath: string, version: number): Promise<DriveEntry | null> {
    if (version < 1) return null
    return this.atVersion(version, async (drive) => {
      for (const path of entryPathsOfTranscript(transcriptPath)) {
        const entry = await drive.entry(path, this.readOptions)
        if (entry) return entry
      }
      return null
    })
  }

  /**
   * Entries that differ between version `from` and version `to` (default: now), newer side as
   * `after`. Both sides are read from the index, so a deleted entry still comes with its metadata.
   */
  async compareVersions(from: number, to?: number): Promise<VersionChange[]> {
    await this.reachVersion(Math.max(from, to ?? 0))
    this.requireVersion(from)
    const newer = to === undefined ? this.drive : await this.checkout(to)
    try {
      const changes: VersionChange[] = []
      const transcriptsChanged = new Set<string>()
      for await (const { left, right } of newer.diff(from, RECORDINGS, this.readOptions)) {
        const key = (left ?? right)!.key
        if (isTranscriptPath(key)) {
          transcriptsChanged.add(entryStemOf(key))
          continue
        }
        const after = left && isEntryPath(left.key) && left.value.blob ? await this.toDto(left, newer === this.drive) : undefined
        const before = right && isEntryPath(right.key) && right.value.blob ? await this.toDto(right, false) : undefined
        if (!after && !before) continue
        changes.push({
          path: (after ?? before)!.path,
          change: after && before ? 'changed' : after ? 'added' : 'deleted',
          ...(before ? { before } : {}),
          ...(after ? { after } : {})
        })
      }
      await this.addTranscriptChanges(changes, transcriptsChanged, newer)
      return changes.sort((a, b) => (b.after ?? b.before)!.mtime - (a.after ?? a.before)!.mtime)
    } finally {
      if (newer !== this.drive) await newer.close()
    }
  }

  /**
   * A transcript that changed tells on its entry: an entry already listed as changed is marked,
   * and one that did not change otherwise is listed as changed with its transcript.
   */
  private async addTranscriptChanges(changes: VersionChange[], stems: Set<string>, newer: Hyperdrive): Promise<void> {
    if (stems.size === 0) return
    for (const change of changes) {
      if (stems.delete(entryStemOf(change.path))) change.transcriptChanged = true
    }
    for (const stem of stems) {
      for (const path of entryPathsOfTranscript(`${stem}.transcript.json`)) {
        const entry = await newer.entry(path, this.readOptions)
        if (!entry?.value.blob) continue
        const dto = await this.toDto(entry, newer === this.drive)
        changes.push({ path, change: 'changed', before: dto, after: dto, transcriptChanged: true })
        break
      }
    }
  }

  /** Where this journal was forked from, read once from the record inside it (null: an original). */
  provenance(): Promise<Provenance | null> {
    this.provenanceRead ??= this.readProvenance()
    return this.provenanceRead
  }

  async writeProvenance(provenance: Provenance): Promise<void> {
    this.requireWritable()
    await this.writes.run(() => this.drive.put(PROVENANCE_PATH, encodeProvenance(provenance)))
    this.provenanceRead = Promise.resolve(provenance)
  }

  /** Opens an entry's audio for range reads, at the current version or an older one. */
  async openAudio(path: string, version?: number): Promise<AudioHandle> {
    if (!isEntryPath(path)) throw new JournalError('not-found', `No entry at ${path}`)
    const drive = version === undefined ? this.drive : await this.checkout(version)
    const close = async (): Promise<void> => {
      if (drive !== this.drive) await drive.close()
    }
    const entry = await drive.entry(path, this.readOptions)
    const size = entry?.value.blob?.byteLength
    if (!entry || size === undefined) {
      await close()
      throw new JournalError('not-found', `No entry at ${path}${version === undefined ? '' : ` in version ${version}`}`)
    }
    // Reading our own erased audio would wait for a peer that may never come (own journals read without a time limit).
    if (this.writable && drive !== this.drive && !(await this.holdsBlob(entry.value.blob!))) {
      await close()
      throw new JournalError('not-found', 'The audio of this entry was erased from this computer.')
    }
    return {
      path,
      size,
      format: formatOfPath(path),
      // Ranges must already be clamped (resolveRange): Hyperdrive does not bound-check them.
      read: (range, options = {}) => drive.createReadStream(path, { ...(range ? { start: range.start, end: range.end } : {}), ...options }),
      close
    }
  }

  /**
   * Drops the blocks of a peer's journal held here (the index and the audio), to give the disk
   * back when it leaves the library. The peers still have them; a writable journal is never cleared.
   */
  async clearLocalCopy(): Promise<void> {
    this.requireReadOnly()
    const blobs = this.drive.blobs
    if (blobs && blobs.core.length > 0) await blobs.core.clear(0, blobs.core.length)
    if (this.drive.core.length > 0) await this.drive.core.clear(0, this.drive.core.length)
    this.listCache = null
    this.listing = null
  }

  /** How my own journal's list started in this run (its file, or a walk); null before the first list or for a peer's journal. */
  get listStartedFrom(): 'file' | 'walk' | null {
    return this.ownList?.startedFrom ?? null
  }

  /** Writes my own journal's list to its file now if a write is waiting (tests, the bench). */
  async flushEntryList(): Promise<void> {
    await this.ownList?.flush()
  }

  async close(): Promise<void> {
    this.closed = true
    // Before the drive: the list's last write needs nothing of it, and must not be cut off by the app ending.
    await this.ownList?.close()
    await this.clock.flush()
    await this.drive.close()
  }

  private async readProvenance(): Promise<Provenance | null> {
    if (this.drive.core.length === 0 || this.lookingForPeers) {
      // Nothing replicated yet: try again on the next call instead of remembering "none".
      this.provenanceRead = null
      return null
    }
    try {
      return decodeProvenance(await this.drive.get(PROVENANCE_PATH, { timeout: PROVENANCE_WAIT_MS }))
    } catch (error) {
      // Not here yet and no peer sent it in time: unknown for now, asked again next time.
      log.debug({ err: error, journal: this.id }, 'provenance record not readable')
      this.provenanceRead = null
      return null
    }
  }

  /** The blob core exists only once the index names it, so listen as soon as it is known. */
  private watchBlobDownloads(): void {
    this.drive.getBlobs().then(
      (blobs) => {
        if (!this.closed) blobs.core.on('download', () => this.emit('blocks'))
      },
      // Closed before the audio core was known: there are no block counts to follow.
      (error: unknown) => log.debug({ err: error, journal: this.id }, 'audio core not opened')
    )
  }

  /** Reads of a peer's journal give up after a while instead of waiting forever for a block. */
  private get readOptions(): { timeout?: number } {
    return this.writable ? {} : { timeout: REMOTE_READ_TIMEOUT_MS }
  }

  private async checkout(version: number): Promise<Hyperdrive> {
    await this.reachVersion(version)
    this.requireVersion(version)
    return this.drive.checkout(version)
  }

  /**
   * A peer's journal may be behind a version someone links to (hyper://KEY+N) right after it is
   * opened: ask its peers for the latest length before calling the version unknown.
   */
  private async reachVersion(version: number): Promise<void> {
    if (!this.writable && version > this.drive.version) await this.drive.update({ wait: true })
  }

  private requireVersion(version: number): void {
    if (!Number.isInteger(version) || version < 1 || version > this.drive.version) {
      throw new JournalError('bad-version', `Version must be a whole number from 1 to ${this.drive.version}`)
    }
  }

  private async atVersion<T>(version: number, read: (drive: Hyperdrive) => Promise<T>): Promise<T> {
    const snapshot = await this.checkout(version)
    try {
      return await read(snapshot)
    } finally {
      await snapshot.close()
    }
  }

  private async readEntries(drive: Hyperdrive): Promise<{ entries: EntryDto[]; blockOffsets: Map<string, number> }> {
    const entries: EntryDto[] = []
    const blockOffsets = new Map<string, number>()
    // Transcripts lie in the same folders and come in the same walk: their records' metadata
    // says enough (that there is one, its first sentence) without reading a single file.
    const transcripts = new Map<string, unknown>()
    for await (const entry of drive.list(RECORDINGS, { recursive: true, ...this.readOptions })) {
      if (isTranscriptPath(entry.key)) {
        transcripts.set(entryStemOf(entry.key), entry.value.metadata ?? {})
        continue
      }
      if (!isEntryPath(entry.key) || !entry.value.blob) continue
      entries.push(await this.toDto(entry, drive === this.drive))
      blockOffsets.set(entry.key, entry.value.blob.blockOffset)
    }
    return { entries: listedEntries(entries, transcripts), blockOffsets }
  }

  /**
   * `current`: the entry is in the current version. Our own journal holds every block of those;
   * an older version's entry may be one whose audio was erased here, so its blocks are counted.
   */
  private async toDto(entry: DriveEntry, current = true): Promise<EntryDto> {
    const blob = entry.value.blob
    const blocksTotal = blob?.blockLength ?? 0
    const allHeld = !blob || (this.writable && current)
    return entryDtoOf(entry, allHeld ? blocksTotal : await this.countLocalBlocks(blob.blockOffset, blocksTotal))
  }

  private async holdsBlob(blob: BlobPointer): Promise<boolean> {
    const blobs = this.drive.blobs
    return blob.blockLength === 0 || (blobs !== null && (await blobs.core.has(blob.blockOffset, blob.blockOffset + blob.blockLength)))
  }

  private async countLocalBlocks(offset: number, length: number): Promise<number> {
    const blobs = this.drive.blobs
    if (!blobs) return 0
    if (await blobs.core.has(offset, offset + length)) return length
    let held = 0
    for (let index = offset; index < offset + length; index++) if (await blobs.core.has(index)) held++
    return held
  }

  private requireReadOnly(): void {
    if (this.writable) throw new JournalError('read-only', 'A journal you write is never cleared.')
  }

  private requireWritable(): void {
    if (!this.writable) throw new JournalError('read-only', 'This journal belongs to someone else: it can be read, not changed.')
    if (this.hold) throw new JournalError('read-only', this.hold.reason)
  }
}
