import { randomBytes } from 'node:crypto'
import { chmod } from 'node:fs/promises'
import { join } from 'node:path'
import { readJsonFile, writeJsonFile } from '../storage/json-file'

const FILE_NAME = 'publications.json'
/** 128 bits from the system's random source: a private publication's path cannot be guessed, and says nothing of its journal. */
const ID_BYTES = 16
/** A private journal's publication id opens its audio to whoever holds it: only the user may read the file. */
const FILE_MODE = 0o600

interface RegistryContent {
  format: 1
  /** Journal key (z-base-32) → publication id. */
  ids: Record<string, string>
}

/**
 * Which id each journal is published under (`/p/<id>/`), in the data directory's
 * publications.json, so a subscriber's feed address survives restarts. Ids are random, never
 * derived from a journal's key or read key; a journal keeps its id once it has one.
 */
export class PublicationRegistry {
  private constructor(
    private readonly file: string,
    private readonly ids: Map<string, string>
  ) {}

  static async load(dataDir: string): Promise<PublicationRegistry> {
    const file = join(dataDir, FILE_NAME)
    const raw = await readJsonFile<Partial<RegistryContent>>(file, {})
    const ids = new Map<string, string>()
    for (const [key, id] of Object.entries(raw.ids ?? {})) if (typeof id === 'string' && isPublicationId(id)) ids.set(key, id)
    return new PublicationRegistry(file, ids)
  }

  /** The journal's publication id, made and saved the first time it is asked for. */
  async idFor(key: string): Promise<string> {
    const known = this.ids.get(key)
    if (known) return known
    const id = randomBytes(ID_BYTES).toString('base64url')
    this.ids.set(key, id)
    const content: RegistryContent = { format: 1, ids: Object.fromEntries(this.ids) }
    await writeJsonFile(this.file, content)
    await chmod(this.file, FILE_MODE)
    return id
  }
}

/** What an id looks like (22 base64url characters): anything else in its place of a path is refused before any look-up. */
export function isPublicationId(text: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(text)
}
