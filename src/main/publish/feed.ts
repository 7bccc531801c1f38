import type { EntryDto } from '#shared/dto'
import { formatDuration } from '#shared/format'
import { formatOfPath, MIME_TYPES } from '../journal/entry-path'
import { audioHref, entryAnchor, escapeMarkup, formatUtc, publishedTitle, xmlSafe } from './markup'

export interface FeedInput {
  /** The journal's name in the host's library. */
  title: string
  /** Absolute URLs of the publication's page (ending in `/`: the enclosures are under it) and feed. */
  pageUrl: string
  feedUrl: string
  /** Keeps item guids stable and unique to this publication, and free of the journal's keys. */
  publicationId: string
  /** Newest first, as Journal.listEntries gives them. */
  entries: readonly EntryDto[]
  /** A private feed is kept out of podcast directories (`itunes:block`). */
  private: boolean
}

const SOURCE_TEXT: Record<EntryDto['source'], string> = { import: 'An imported recording', record: 'A call', stream: 'A call', microphone: 'Recorded at the desk' }

/**
 * RSS 2.0 with Apple's podcast namespace, what podcast apps subscribe to: one item per entry,
 * newest first, each with its audio as the enclosure (absolute URL, byte length, MIME type), a
 * guid that never changes, the date it was made and its duration in seconds. Nothing in it
 * depends on the time it is rendered, so a journal version always renders the same bytes (the
 * ETag is the version).
 */
export function renderFeed(input: FeedInput): string {
  return [...feedPieces(input)].join('')
}

/**
 * Items per piece: a piece of 250 is about 150 KB, small enough to die young once encoded, few
 * enough (40 for 10,000 entries) that joining them costs nothing.
 */
const ITEMS_PER_PIECE = 250

/**
 * The feed in pieces, in order: what renderFeed joins, and what the host encodes to bytes one at a
 * time. A 10,000-entry feed built as one string kept 70,000 strings alive until the end; with the
 * host's 2 MB young generation (scripts/headless-runtime.mjs) every scavenge copied them, and
 * garbage collection took 60-190 ms of a 350-420 ms cold request. A piece lives only until it is
 * encoded.
 */
export function* feedPieces(input: FeedInput): Generator<string> {
  const text = (value: string): string => escapeMarkup(xmlSafe(value))
  const newest = input.entries[0]
  yield [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n',
    `<title>${text(input.title)}</title>\n`,
    `<link>${text(input.pageUrl)}</link>\n`,
    `<atom:link href="${text(input.feedUrl)}" rel="self" type="application/rss+xml"/>\n`,
    `<description>${text(`${input.title}: an audio journal kept with Voice Journal.`)}</description>\n`,
    '<language>en</language>\n<generator>Voice Journal</generator>\n',
    newest ? `<lastBuildDate>${new Date(newest.mtime).toUTCString()}</lastBuildDate>\n` : '',
    `<itunes:author>${text(input.title)}</itunes:author>\n`,
    '<itunes:explicit>false</itunes:explicit>\n<itunes:type>episodic</itunes:type>\n',
    input.private ? '<itunes:block>Yes</itunes:block>\n' : ''
  ].join('')
  // Per entry only what differs.
  const pageUrl = text(input.pageUrl)
  const guidPrefix = text(`voice-journal:${input.publicationId}:`)
  for (let start = 0; start < input.entries.length; start += ITEMS_PER_PIECE) {
    let piece = ''
    for (const entry of input.entries.slice(start, start + ITEMS_PER_PIECE)) {
      const made = formatUtc(entry.mtime)
      const title = text(publishedTitle(entry, made))
      // Entry paths are letters, digits, dashes, dots and slashes (isEntryPath): nothing to escape in them.
      piece +=
        `<item>\n<title>${title}</title>\n<itunes:title>${title}</itunes:title>\n` +
        `<link>${pageUrl}#${entryAnchor(entry)}</link>\n` +
        `<guid isPermaLink="false">${guidPrefix}${entry.path}</guid>\n` +
        `<pubDate>${new Date(entry.mtime).toUTCString()}</pubDate>\n` +
        `<description>${sourceText(entry.source)} of ${formatDuration(entry.durationMs)}, made ${made}.</description>\n` +
        // The type from the path, which is checked, not from metadata a peer wrote.
        `<enclosure url="${pageUrl}${audioHref(entry)}" length="${entry.size}" type="${MIME_TYPES[formatOfPath(entry.path)]}"/>\n` +
        `<itunes:duration>${Math.round(entry.durationMs / 1000)}</itunes:duration>\n<itunes:episodeType>full</itunes:episodeType>\n</item>\n`
    }
    yield piece
  }
  yield '</channel>\n</rss>\n'
}

/** A peer's metadata may name any source (even `constructor`): only known ones are described. */
function sourceText(source: string): string {
  return Object.hasOwn(SOURCE_TEXT, source) ? SOURCE_TEXT[source as EntryDto['source']] : 'A recording'
}
