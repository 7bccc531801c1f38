import type { LibraryItem } from '#shared/dto'
import { KEY_HELP, parseJournalLink } from '#shared/journal-key'
import { normalize as normalizeKey } from 'hypercore-id-encoding'
import { logger } from '../app/logging'
import type { Journal } from '../journal/journal'
import type { Library } from '../library/library'
import { PublicationRegistry } from './publication-registry'

const log = logger('publish')

export interface PublishedUrls {
  /** Absolute addresses on the host's public listener. */
  page: string
  feed: string
}

export interface PublisherOptions {
  dataDir: string
  library: Library
  /** Journals to publish this run (keys or links, `--publish`); a private one needs its link (or to be the host's own). */
  links: readonly string[]
  /** The public listener's address (the public URL setting, or where it listens), read when a URL is made. */
  baseUrl: () => string
}

/** A published journal as the routes serve it. */
export interface Publication {
  id: string
  key: string
  journal: Journal
  /** The library's name for it: the page's and feed's title. */
  name: string
  private: boolean
}

/**
 * The journals this host publishes on its public listener (`--publish`, this run), each under its
 * registry id. A journal is served only while the library can read it: a private journal held
 * without its read key (given by key alone) is never served, however it was asked for.
 */
export class Publisher {
  private readonly byId = new Map<string, string>()
  private readonly idOfKey = new Map<string, string>()

  private constructor(
    private readonly library: Library,
    private readonly baseUrl: () => string
  ) {}

  static async boot(options: PublisherOptions): Promise<Publisher> {
    const publisher = new Publisher(options.library, options.baseUrl)
    const registry = await PublicationRegistry.load(options.dataDir)
    for (const link of options.links) {
      const parsed = parseJournalLink(link)
      if (!parsed) throw new Error(`Not a journal key or link: ${link}\n${KEY_HELP}`)
      // Followed like `--seed`: the host keeps every block, so it can serve every entry.
      const { item } = await options.library.add(link)
      if (!item.writable && item.seeding.state !== 'seeding') await options.library.setSeeding(item.key, 'seeding')
      const key = normalizeKey(item.key)
      const id = await registry.idFor(key)
      publisher.byId.set(id, key)
      publisher.idOfKey.set(key, id)
      if (!servable(item)) log.warn({ journal: key }, 'published only once it can be read here: a private journal needs its link (…#encryptionKey=…)')
    }
    return publisher
  }

  /** The publication at `/p/<id>/`, if that id is published this run and its journal can be read here. */
  find(id: string): Publication | null {
    const key = this.byId.get(id)
    const journal = key === undefined ? undefined : this.library.find(key)
    if (!key || !journal) return null
    const item = this.library.item(key)
    return { id, key, journal, name: item.name, private: item.private }
  }

  /** Where a journal is published, or null when it is not (or cannot be read here). */
  urlsOf(key: string): PublishedUrls | null {
    const id = this.idOfKey.get(key)
    if (!id || !servable(this.itemOf(key))) return null
    const page = `${this.baseUrl().replace(/\/+$/, '')}/p/${id}/`
    return { page, feed: `${page}feed.xml` }
  }

  /** The library's view of a journal; null once it has left the library. */
  private itemOf(key: string): LibraryItem | null {
    try {
      return this.library.item(key)
    } catch {
      return null
    }
  }

  /** Every publication that is or may become servable (one whose kind is not known yet): what the host prints. */
  list(): Array<{ key: string } & PublishedUrls> {
    return [...this.idOfKey.keys()].flatMap((key) => {
      const urls = this.urlsOf(key)
      return urls ? [{ key, ...urls }] : []
    })
  }
}

/**
 * Readable now, or not yet known to be private (added by key, waiting for its first block): a
 * journal known to be private without its read key, or held with a wrong one, is not.
 */
function servable(item: LibraryItem | null): boolean {
  if (!item) return false
  return item.readable || (item.kind !== 'hosted' && item.wrongReadKey !== true)
}
