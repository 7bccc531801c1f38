import type { EntryDto } from '#shared/dto'

/**
 * Text for XML and HTML, in element content and in quoted attributes alike: everything that
 * could end a text or an attribute is escaped. Titles come from journals written by anyone.
 */
export function escapeMarkup(text: string): string {
  // Most titles have nothing to escape: testing first saves a feed of 10,000 entries tens of milliseconds.
  return MARKUP.test(text) ? text.replace(MARKUP_ALL, (char) => ESCAPES[char]!) : text
}

const MARKUP = /[&<>"']/
const MARKUP_ALL = /[&<>"']/g

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Characters XML 1.0 forbids anywhere (control characters a peer's title may carry): a feed with one does not parse. */
export function xmlSafe(text: string): string {
  return NOT_XML.test(text) ? text.replace(NOT_XML_ALL, '') : text
}

const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/
const NOT_XML_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "1 May 2026, 14:03 UTC": the host's time zone means nothing to its listeners, so UTC, and said. */
export function formatUtc(ms: number): string {
  const date = new Date(ms)
  const time = `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${time} UTC`
}

/** An entry's title as the window names it: its own, or the time it was made (`made`, when the caller has it already). */
export function publishedTitle(entry: Pick<EntryDto, 'title' | 'mtime'>, made?: string): string {
  return entry.title?.trim() || `Recording ${made ?? formatUtc(entry.mtime)}`
}

/** The entry's audio under a publication: `audio/YYYY/MM/<id>.<ext>` (its path without /recordings/). */
export function audioHref(entry: Pick<EntryDto, 'path'>): string {
  return `audio/${entry.path.slice('/recordings/'.length)}`
}

/** An id for the entry's place on the page (`#e-2026-05-<id>-mp3`): letters, digits and dashes only, as entry paths are. */
export function entryAnchor(entry: Pick<EntryDto, 'path'>): string {
  return `e-${entry.path.slice('/recordings/'.length).replace(/[/.]/g, '-')}`
}
