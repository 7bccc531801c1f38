import { randomUUID } from 'node:crypto'
import { ApiError } from '#shared/api'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import { copyIntoFork } from './fork-journal'
import type { LibraryRecord } from './library-file'
import type { ProvenanceCache } from './provenance-cache'

const log = logger('library')

/** What forking needs from the library: finding journals, and adding or dropping the new one. */
export interface ForkHost {
  /** The journal a key names in the library (throws not-found). */
  journal(key: string): Journal
  find(key: string): Journal | undefined
  nameOf(key: string): string
  /** A new writable journal in its own Corestore namespace; a private one gets a new read key. */
  openOwn(namespace: string, makePrivate: boolean): Promise<Journal>
  /** Whether a journal of the library is private. */
  isPrivate(key: string): boolean
  /** Saves and opens a journal of mine in the library. */
  addOwn(journal: Journal, namespace: string, kind: 'fork', name: string, pendingFork: LibraryRecord['pendingFork']): Promise<LibraryRecord>
  /** Takes a journal out of the library again (a fork that could not be made). */
  forget(key: string, journal: Journal): Promise<void>
  /** Marks a fork's copy as finished in library.json. */
  finished(key: string): Promise<void>
}

/**
 * Forks: a new writable journal holding another's entries at a version, with its provenance.
 * The fork is saved in the library before its copy starts, so a copy cut short by a crash or a
 * quit is finished at the next start (`complete`), copying only what is not there yet.
 */
export class ForkRunner {
  constructor(
    private readonly host: ForkHost,
    private readonly provenance: ProvenanceCache
  ) {}

  /** Forks `key` at `version` (default: its latest); resolves with the fork's key once copied. */
  async fork(key: string, options: { version?: number; name?: string; private?: boolean }): Promise<string> {
    const source = this.host.journal(key)
    if (source.drive.version <= 1 && !source.writable) await source.drive.update({ wait: true })
    const version = options.version ?? source.drive.version
    if (!Number.isSafeInteger(version) || version < 1 || version > source.drive.version) {
      throw new ApiError('bad-request', `Version must be a whole number from 1 to ${source.drive.version}`)
    }
    const namespace = `fork-${randomUUID()}`
    // A private journal's copy stays private unless the user chooses otherwise.
    const target = await this.host.openOwn(namespace, options.private ?? this.host.isPrivate(source.id))
    const name = cleanName(options.name ?? '') || `${this.host.nameOf(source.id)} (fork of version ${version})`
    const record = await this.host.addOwn(target, namespace, 'fork', name, { from: source.id, version })
    try {
      await this.complete(record)
    } catch (error) {
      await this.host.forget(record.key, target)
      throw error
    }
    return record.key
  }

  /** At start: a fork the app stopped copying (a crash, a quit) carries on; `copied` is called once one is done. */
  resume(records: readonly LibraryRecord[], copied: () => void): void {
    for (const record of records.filter((r) => r.pendingFork)) {
      this.complete(record).then(copied, (error: unknown) => log.warn({ err: error, fork: record.key }, `the fork "${record.name}" is not finished yet`))
    }
  }

  /** Copies a fork's source into it (again: entries already there are skipped) and marks it done. */
  private async complete(record: LibraryRecord): Promise<void> {
    const pending = record.pendingFork
    const target = this.host.find(record.key)
    if (!pending || !target) return
    const source = this.host.find(pending.from)
    if (!source) throw new Error(`the journal it is forked from (${pending.from}) is no longer in the library`)
    if (source.drive.version < pending.version && !source.writable) await source.drive.update({ wait: true })
    this.provenance.set(record.key, await copyIntoFork(source, pending.version, target))
    await this.host.finished(record.key)
  }
}

/** Names are one line of at most 100 characters. */
export function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, 100)
}
