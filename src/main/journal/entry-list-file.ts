import type { DriveEntryValue } from 'hyperdrive'
import { logger } from '../app/logging'
import { JournalCacheFiles, type CachedAt } from '../storage/journal-cache-file'
import { isEntryPath, isTranscriptPath } from './entry-path'

const log = logger('journal')

/** Raised whenever what is written changes meaning: an older file is then ignored and the journal walked. */
const FORMAT = 1
const KIND = 'voice-journal entry list'

/**
 * A journal's list as its index has it at one version: each entry's record (its blob pointer and
 * metadata, what the list is worked out from, not the list itself, so a change in how entries are
 * shown needs no new format) and each transcript record's metadata, by path.
 */
export interface ListRecords {
  entries: Map<string, DriveEntryValue>
  transcripts: Map<string, unknown>
}

/**
 * Each of my own journals' entry list in the data directory (`entry-lists/<journal key>.ndjson`),
 * so that the first list after a start reads it and catches up from the version it reflects
 * through the journal's diff, instead of walking every record of the index cold from the disk. A
 * JournalCacheFiles file (header, hash, sealed for a private journal: titles and first sentences
 * are what the journal says). Lines: `["e", path, record value]`, `["t", path, metadata]`.
 */
export class EntryListFiles {
  private readonly files: JournalCacheFiles

  constructor(readonly dir: string) {
    this.files = new JournalCacheFiles(dir, { kind: KIND, format: FORMAT, log, what: 'entry list', otherwise: 'the journal is walked' })
  }

  fileOf(journalId: string): string {
    return this.files.fileOf(journalId)
  }

  read(journalId: string, readKey: Buffer | null): Promise<(CachedAt & { value: ListRecords }) | null> {
    return this.files.read(journalId, readKey, async (lines) => {
      const records: ListRecords = { entries: new Map(), transcripts: new Map() }
      for await (const line of lines) {
        const [kind, path, value] = JSON.parse(line) as [unknown, unknown, unknown]
        if (kind === 'e' && isEntryPath(path) && isRecordValue(value)) records.entries.set(path, value)
        else if (kind === 't' && isTranscriptPath(path)) records.transcripts.set(path, value ?? {})
        else throw new Error('a line that is not an entry or a transcript')
      }
      return records
    })
  }

  write(journalId: string, readKey: Buffer | null, at: CachedAt, records: ListRecords): Promise<void> {
    return this.files.write(journalId, readKey, at, linesOf(records))
  }

  /** The journal left the library: its list goes with it. */
  remove(journalId: string): Promise<void> {
    return this.files.remove(journalId)
  }
}

function* linesOf(records: ListRecords): Generator<string> {
  for (const [path, value] of records.entries) yield JSON.stringify(['e', path, value])
  for (const [path, metadata] of records.transcripts) yield JSON.stringify(['t', path, metadata])
}

/** The shape the list needs; the file is ours and hashed, so this guards against a format drift, not an attacker. */
function isRecordValue(value: unknown): value is DriveEntryValue {
  const blob = (value as Partial<DriveEntryValue> | null)?.blob as Record<string, unknown> | null | undefined
  return typeof blob === 'object' && blob !== null && ['blockOffset', 'blockLength', 'byteOffset', 'byteLength'].every((field) => typeof blob[field] === 'number')
}
