import type { DriveEntry } from 'hyperdrive'
import type { CollectedFrom, EntryDto, EntryMetadata } from '#shared/dto'
import { entryStemOf, formatOfPath } from './entry-path'
import type { TranscriptFileMetadata } from './transcript-file'

/**
 * What the list shows of an entry's record, given how many of its blocks are here. One function
 * for the walk of the index and for the list kept between runs, so both show the same.
 */
export function entryDtoOf(entry: Pick<DriveEntry, 'key' | 'value'>, blocksDownloaded: number): EntryDto {
  const blob = entry.value.blob
  const { call, ...metadata } = readMetadata(entry)
  return {
    path: entry.key,
    ...metadata,
    ...(call ? { callId: call } : {}),
    size: blob?.byteLength ?? 0,
    blocksTotal: blob?.blockLength ?? 0,
    blocksDownloaded
  }
}

/**
 * Entries as the list shows them: each with its transcript's news (that there is one, its first
 * sentence, from the transcript record's metadata, keyed by entryStemOf), newest first.
 */
export function listedEntries(entries: Iterable<EntryDto>, transcripts: ReadonlyMap<string, unknown>): EntryDto[] {
  const listed: EntryDto[] = []
  for (const entry of entries) {
    const transcript = transcripts.size > 0 ? (transcripts.get(entryStemOf(entry.path)) as Partial<TranscriptFileMetadata> | null | undefined) : undefined
    if (transcript === undefined) {
      listed.push(entry)
      continue
    }
    const firstSentence = typeof transcript?.firstSentence === 'string' && transcript.firstSentence ? transcript.firstSentence : undefined
    listed.push({ ...entry, hasTranscript: true, ...(firstSentence ? { firstSentence } : {}) })
  }
  return listed.sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? 1 : -1))
}

/** Metadata as written by any version of the app (or a peer's), with safe defaults. */
export function readMetadata(entry: Pick<DriveEntry, 'key' | 'value'>): EntryMetadata {
  const raw = (entry.value.metadata ?? {}) as Partial<EntryMetadata>
  return {
    mtime: typeof raw.mtime === 'number' ? raw.mtime : 0,
    durationMs: typeof raw.durationMs === 'number' ? raw.durationMs : 0,
    format: raw.format ?? formatOfPath(entry.key),
    source: raw.source ?? 'import',
    ...(typeof raw.title === 'string' && raw.title ? { title: raw.title } : {}),
    ...(raw.partial === true ? { partial: true } : {}),
    ...(isCollectedFrom(raw.collectedFrom) ? { collectedFrom: { key: raw.collectedFrom.key, path: raw.collectedFrom.path } } : {}),
    ...(isCallId(raw.call) ? { call: raw.call } : {})
  }
}

/** A call id as the app writes it; anything else a peer wrote is ignored rather than shown. */
export function isCallId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-z]{8,64}$/.test(value)
}

function isCollectedFrom(value: unknown): value is CollectedFrom {
  const from = value as Partial<CollectedFrom> | null | undefined
  return typeof from?.key === 'string' && typeof from.path === 'string'
}
