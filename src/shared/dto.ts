/** Plain data that crosses the API boundary: JSON-safe, no class instances. */

export type AudioFormat = 'mp3' | 'wav' | 'ogg' | 'flac' | 'webm'
/** How an entry was made: imported from a file, a Vonage recording, a live audio stream, or recorded in the window. */
export type EntrySource = 'import' | 'record' | 'stream' | 'microphone'

/** What each entry carries in its Hyperdrive metadata. Nothing here may identify a caller. */
export interface EntryMetadata {
  /** Milliseconds since the epoch when the audio was made. */
  mtime: number
  durationMs: number
  format: AudioFormat
  source: EntrySource
  title?: string
  /** True for a streamed call recovered after the app stopped mid-call: the end may be missing. */
  partial?: boolean
  /** Copied in by collecting: the journal it came from and its path there (the same path here). */
  collectedFrom?: CollectedFrom
  /**
   * The call the recording was made in (record mode): an opaque id, the same for every recording
   * of one call and never the same for two calls; nothing in it leads back to the caller or Vonage.
   */
  call?: string
}

export interface CollectedFrom {
  /** z-base-32 key of the source journal. */
  key: string
  path: string
}

export interface EntryDto extends Omit<EntryMetadata, 'call'> {
  path: string
  /** Metadata's `call`: entries sharing it are one call's recordings, shown together. */
  callId?: string
  /** Bytes of audio. */
  size: number
  /** Blocks of this entry held locally / in total (equal for a journal we wrote). */
  blocksDownloaded: number
  blocksTotal: number
  /** A transcript lies beside the entry (`<id>.transcript.json`). */
  hasTranscript?: boolean
  /** The start of the transcript's first sentence: an untitled entry is shown by it. */
  firstSentence?: string
}

export interface JournalInfo {
  /** z-base-32 public key (52 characters). */
  key: string
  /** hyper://<key>/, and for a private journal whose read key we hold, #encryptionKey=<read key> after it. */
  link: string
  /** Encrypted: only people with its link (carrying the read key) can listen. */
  private: boolean
  writable: boolean
  /** The library's name for it. */
  name: string
  kind: JournalKind
  active: boolean
  /** Where a fork came from; null for an original journal. */
  provenance: Provenance | null
  /** Published by this host on its public listener (`--publish`): the web page and podcast feed addresses. */
  published?: { page: string; feed: string }
}

export interface JournalStatus {
  /** Which journal this is the status of (events carry every open journal's). */
  key: string
  peers: number
  version: number
  /** Milliseconds since the epoch of the last change seen, or null for a journal never changed. */
  updatedAt: number | null
  /** Sum of the entries' audio bytes in the current version. */
  size: number
  entries: number
}

export type HistoryChange = 'put' | 'del'
export interface HistoryItem {
  /** The version the change produced (open it to see the journal right after the change). */
  version: number
  /** Hyperdrive's operation. */
  type: HistoryChange
  /** What it meant: a new entry, a changed one (e.g. renamed), or a deletion. */
  change: 'added' | 'changed' | 'deleted'
  path: string
  /** The entry's title after the change, or before it for a deletion. */
  title?: string
  /** Set when what changed is the entry's transcript (`path` is still the entry's): added, corrected or removed. */
  subject?: 'transcript'
}
export interface HistoryPage {
  items: HistoryItem[]
  /** Pass as `before` to get the next (older) page; null when there is none. */
  nextBefore: number | null
}

export interface ImportTicket {
  importId: string
}

/** A recording's import, and how often the window must be heard from while paused (keepRecording). */
export interface RecordingTicket extends ImportTicket {
  keepAliveMs: number
}

/**
 * Where a journal in the library came from. 'hosted': a private journal added by its key alone,
 * kept online here without being readable (a blind host).
 */
export type JournalKind = 'own' | 'followed' | 'fork' | 'hosted'
/** A journal's seeding switch: download everything and keep serving it, or not; paused keeps what is held. */
export type SeedingState = 'off' | 'seeding' | 'paused'

export interface SeedingProgress {
  state: SeedingState
  /** Bytes held locally (index and audio, every version) / known in total. */
  bytesDownloaded: number
  bytesTotal: number
  /** Download speed over the last few seconds; 0 when idle. */
  bytesPerSecond: number
  /** Every block of every version is held locally (always true for a journal we write). */
  complete: boolean
}

/** Written inside a fork (/.journal/provenance.json), so anyone reading the fork can see its origin. */
export interface Provenance {
  /** z-base-32 key of the journal it was forked from. */
  forkedFrom: string
  /** The version of that journal the fork copied. */
  version: number
  /** Milliseconds since the epoch. */
  forkedAt: number
}

/** One journal in the library, as the library list and the window show it. */
export interface LibraryItem {
  key: string
  /** As JournalInfo.link: a private journal's carries its read key. */
  link: string
  private: boolean
  /**
   * Whether its entries can be read here: false for a private journal hosted without its read key,
   * and for one added by key alone until its first block has said whether it is private.
   */
  readable: boolean
  /** The user's name for it (own journals, forks) or a short form of the key. */
  name: string
  kind: JournalKind
  writable: boolean
  /** New calls and imports go to the active journal; exactly one writable journal is active. */
  active: boolean
  peers: number
  version: number
  /** Nothing of it is held yet and no peer has answered: shown as "looking for peers", not an error. */
  lookingForPeers: boolean
  seeding: SeedingProgress
  provenance: Provenance | null
  addedAt: number
  /** Journals we write: who else holds a full copy. Null for someone else's journal. */
  heldElsewhere: HeldElsewhere | null
  /**
   * Restored from a backup and catching up with its peers: read-only until then (calls wait).
   * Optional only so items made elsewhere (tests, the tray's) need not name it; the library always does.
   */
  restoring?: 'catching-up' | null
  /** Added with a link whose read key does not open it: held without the key, not readable here. */
  wrongReadKey?: boolean
  /**
   * Journals this one collects from (journals we write only). Optional only so items made
   * elsewhere (tests, the tray's) need not name it; the library always does.
   */
  collecting?: Collection[]
}

/** One journal a journal of mine collects from: every entry there is copied in once, in the background. */
export interface Collection {
  /** z-base-32 key of the source journal. */
  from: string
  /** The library's name for the source. */
  name: string
  /** Milliseconds since the epoch when collecting started. */
  since: number
  /** Entries collected so far. */
  entries: number
  /** When the last entry came in; null before the first. */
  lastAt: number | null
  /** Entries of the source not collected yet (as of the last look at it). */
  pending: number
  /** 'copying': an entry is on its way; 'waiting': the source cannot be reached now; 'idle': nothing to do. */
  state: 'idle' | 'copying' | 'waiting'
  failures: CollectFailure[]
}

export interface CollectFailure {
  /** The entry's path in the source. */
  path: string
  title?: string
  reason: string
  at: number
  /** Retried later (the source was out of reach) or not (the entry itself is unusable). */
  retrying: boolean
}

/** How safe one of our journals is from losing this computer, as seen from here. */
export interface HeldElsewhere {
  /** Connected peers holding every block of the current version (index and audio). */
  peers: number
  /** Milliseconds since the epoch: when a peer was first seen holding the current version; null until one has. */
  latestSince: number | null
}

/** One entry that differs between two versions. */
export interface VersionChange {
  path: string
  change: 'added' | 'changed' | 'deleted'
  /** The entry in the older version (changed, deleted). */
  before?: EntryDto
  /** The entry in the newer version (added, changed). */
  after?: EntryDto
  /** The entry's transcript differs between the two versions (added, corrected or removed). */
  transcriptChanged?: true
}

/**
 * How this computer sits on the network (Settings → Network, and `getNetwork` on the UI API).
 * Read from hyperdht and the open connections each time it is asked (src/main/network/network-status.ts).
 */
export interface NetworkStatus {
  /** At least one DHT node answered and requests are not going unanswered. */
  dhtReachable: boolean
  /** Others cannot open a connection to this computer unasked. */
  firewalled: boolean
  /**
   * 'open': not firewalled. 'consistent': firewalled, but the NAT keeps one outside port, so
   * holepunching usually works. 'random': the NAT picks a new port per destination (symmetric NAT).
   * 'unknown': no DHT node has answered yet.
   */
  nat: 'open' | 'consistent' | 'random' | 'unknown'
  /** This computer's address as DHT nodes see it; port 0 when it changes per destination; null until one answered. */
  address: { host: string; port: number } | null
  /** Every open connection (each carries whichever journals both sides hold). */
  connections: number
  journals: NetworkJournal[]
  diagnosis: NetworkDiagnosis
}

export interface NetworkJournal {
  key: string
  name: string
  connections: NetworkConnection[]
}

export interface NetworkConnection {
  /** The peer's address as this computer reaches it. */
  remoteHost: string
  remotePort: number
  /** The peer's key, z-base-32 (the same peer on every journal it shares with us). */
  peer: string
  /** This computer dialled (true) or the peer did. */
  initiatedHere: boolean
  /**
   * 'direct': over the DHT's own socket, to an address one side announced.
   * 'holepunched': over a socket hyperdht opened to punch through both NATs.
   * 'unknown': the connection has no UDP path to look at (yet).
   */
  how: 'direct' | 'holepunched' | 'unknown'
  /** Always false: the app configures no relays (hyperdht's `relayThrough`). */
  relayed: boolean
  bytesSent: number
  bytesReceived: number
  /** Round-trip time, ms. */
  rttMs: number
}

export interface NetworkDiagnosis {
  /** 'ok': others reach this computer directly. 'limited': some peers may not. 'offline': no network. */
  level: 'ok' | 'limited' | 'offline'
  /** One line in plain words, with what to do. */
  text: string
}
