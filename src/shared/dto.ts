/** Plain data that crosses the API boundary: JSON-safe, no class instances. */

export type AudioFormat = 'mp3' | 'wav' | 'ogg' | 'flac'
/** How an entry was made: imported from a file, a Vonage recording, or a live audio stream. */
export type EntrySource = 'import' | 'record' | 'stream'

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
}

export interface EntryDto extends EntryMetadata {
  path: string
  /** Bytes of audio. */
  size: number
  /** Blocks of this entry held locally / in total (equal for a journal we wrote). */
  blocksDownloaded: number
  blocksTotal: number
}

export interface JournalInfo {
  /** z-base-32 public key (52 characters). */
  key: string
  /** hyper://<key>/ */
  link: string
  writable: boolean
}

export interface JournalStatus {
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
}
export interface HistoryPage {
  items: HistoryItem[]
  /** Pass as `before` to get the next (older) page; null when there is none. */
  nextBefore: number | null
}

export interface ImportTicket {
  importId: string
}
