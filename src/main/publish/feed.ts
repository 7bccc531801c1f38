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

const SOURCE_TEXT: Record<EntryDto['source'], string> = { import: 'An imported recording', record: 'A call', stream: 'A call' }

/**
 * RSS 2.0 with Apple's podcast namespace, what podcast apps subscribe to: one item per entry,
 * newest first, each with its audio as the enclosure (absolute URL, byte length, MIME type), a
 * guid that never changes, the date it was made and its duration in seconds. Nothing in it
 * depends on the time it is rendered, so a journal version always renders the same bytes (the
 * ETag is the version).
 */
export function renderFeed(input: FeedInput): string {
  const text = (value: string): string => escapeMarkup(xmlSafe(value))
  const newest = input.entries[0]
  const parts: string[] = [
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
  ]
  // Per entry only what differs: 10,000 entries render in well under the 300 ms a cold feed may take.
  const pageUrl = text(input.pageUrl)
  const guidPrefix = text(`voice-journal:${input.publicationId}:`)
  for (const entry of input.entries) {
    const title = text(publishedTitle(entry))
    // Entry paths are letters, digits, dashes, dots and slashes (isEntryPath): nothing to escape in them.
    const audioUrl = `${pageUrl}${audioHref(entry)}`
    const seconds = Math.round(entry.durationMs / 1000)
    parts.push(
      `<item>\n<title>${title}</title>\n<itunes:title>${title}</itunes:title>\n`,
      `<link>${pageUrl}#${entryAnchor(entry)}</link>\n`,
      `<guid isPermaLink="false">${guidPrefix}${entry.path}</guid>\n`,
      `<pubDate>${new Date(entry.mtime).toUTCString()}</pubDate>\n`,
      `<description>${sourceText(entry.source)} of ${formatDuration(entry.durationMs)}, made ${formatUtc(entry.mtime)}.</description>\n`,
      // The type from the path, which is checked, not from metadata a peer wrote.
      `<enclosure url="${audioUrl}" length="${entry.size}" type="${MIME_TYPES[formatOfPath(entry.path)]}"/>\n`,
      `<itunes:duration>${seconds}</itunes:duration>\n<itunes:episodeType>full</itunes:episodeType>\n</item>\n`
    )
  }
  parts.push('</channel>\n</rss>\n')
  return parts.join('')
}

/** A peer's metadata may name any source (even `constructor`): only known ones are described. */
function sourceText(source: string): string {
  return Object.hasOwn(SOURCE_TEXT, source) ? SOURCE_TEXT[source as EntryDto['source']] : 'A recording'
}
