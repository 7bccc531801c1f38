import * as v from 'valibot'
import { damaged } from './sealed-file'

/**
 * What a backup holds: what it takes to write every own journal again, and to find the rest.
 * Never audio: the journals' peers hold that, and a restored app fetches it back from them.
 */
export interface BackupContent {
  app: 'voice-journal'
  /** ISO time the backup was made, shown when restoring. */
  createdAt: string
  /** The Corestore's primary key (hex): every own journal's key pair derives from it and its namespace. */
  primaryKey: string
  /** The journal calls and imports went to. */
  active: string | null
  /** Every journal of the library, own or not, with the user's names for them. */
  journals: BackupJournal[]
  /** The read key (z-base-32) of every private journal held, own or followed, by journal key. */
  encryptionKeys: Record<string, string>
}

export interface BackupJournal {
  key: string
  /** As library.json has it ('own', 'fork', 'followed', …). */
  kind: string
  name: string
  /** Own journals and forks: the namespace their key pair derives from. */
  namespace?: string
  seeding: string
  /**
   * Own journals: how long the index and audio cores were when the backup was made. A restored
   * copy writes only once it holds at least this much (and as much as any reachable peer).
   */
  lengths?: { index: number; audio: number }
}

const HEX_KEY = /^[0-9a-f]{64}$/
const length = v.pipe(v.number(), v.safeInteger(), v.minValue(0))
const BackupSchema = v.object({
  app: v.literal('voice-journal'),
  createdAt: v.string(),
  primaryKey: v.pipe(v.string(), v.regex(HEX_KEY)),
  active: v.nullable(v.string()),
  journals: v.array(
    v.object({
      key: v.pipe(v.string(), v.minLength(1)),
      kind: v.string(),
      name: v.string(),
      namespace: v.optional(v.string()),
      seeding: v.string(),
      lengths: v.optional(v.object({ index: length, audio: length }))
    })
  ),
  encryptionKeys: v.record(v.string(), v.string())
})

export function encodeBackup(content: BackupContent): Buffer {
  return Buffer.from(JSON.stringify(content), 'utf8')
}

/** The content of an opened backup; a file sealed right but holding something else is damaged. */
export function decodeBackup(bytes: Buffer): BackupContent {
  let json: unknown
  try {
    json = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw damaged('its content is not readable')
  }
  const parsed = v.safeParse(BackupSchema, json)
  if (!parsed.success) throw damaged(`its content is incomplete (${v.getDotPath(parsed.issues[0]) ?? 'top level'})`)
  return parsed.output
}

/** Own journals (and forks): the ones the backup makes writable again. */
export function ownJournals(content: BackupContent): Array<BackupJournal & { namespace: string }> {
  return content.journals.filter((journal): journal is BackupJournal & { namespace: string } => typeof journal.namespace === 'string')
}
