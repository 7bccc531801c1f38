import { createHash } from 'node:crypto'
import type { EntryDto } from '#shared/dto'
import { formatDuration } from '#shared/format'
import { formatOfPath } from '../journal/entry-path'
import { audioHref, entryAnchor, escapeMarkup, formatUtc, publishedTitle } from './markup'

export interface PageInput {
  title: string
  /** Newest first. */
  entries: readonly EntryDto[]
  /** Asks search engines to leave it out (a private journal's page). */
  private: boolean
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.05rem;margin:0 0 .25rem}
ol{list-style:none;padding:0;margin:0}li{border-top:1px solid #ccc;padding:1rem 0}
audio{width:100%;margin:.5rem 0}.meta{margin:0;color:#555}a{color:#0645ad}
@media (prefers-color-scheme:dark){body{color:#eee;background:#111}.meta{color:#bbb}a{color:#8ab4f8}li{border-color:#444}}`

/**
 * The page's only permissions: its own audio and its one inline style (by hash). No script runs,
 * no other origin is reached, no form posts anywhere, and no other site frames it.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "media-src 'self'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

const FORMAT_NAMES = { mp3: 'MP3', wav: 'WAV', ogg: 'Ogg', flac: 'FLAC', webm: 'WebM' } as const

/**
 * A journal as a web page, rendered on the host: a list of entries, newest first, each a heading,
 * when it was made, how long it is, a player and a download link. Works without JavaScript (the
 * player is the browser's own); `preload="none"` so opening the page downloads no audio. Links
 * are relative to the page (`/p/<id>/`), so the page works under any address the host is reached by.
 */
export function renderPage(input: PageInput): string {
  const title = escapeMarkup(input.title)
  const parts: string[] = [
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    // The page's address is the only key to a private journal's publication: never sent on as a referrer.
    '<meta name="referrer" content="no-referrer">\n',
    input.private ? '<meta name="robots" content="noindex, nofollow">\n' : '',
    `<title>${title}</title>\n`,
    `<link rel="alternate" type="application/rss+xml" title="${title} (podcast feed)" href="feed.xml">\n`,
    `<style>${STYLE}</style>\n</head>\n<body>\n<header>\n<h1>${title}</h1>\n`,
    `<p class="meta">${input.entries.length === 1 ? '1 recording' : `${input.entries.length} recordings`}, newest first. `,
    '<a href="feed.xml">Podcast feed (RSS)</a>: add it to a podcast app to follow this journal.</p>\n</header>\n<main>\n'
  ]
  if (input.entries.length === 0) parts.push('<p>No recordings yet.</p>\n')
  else parts.push('<ol aria-label="Recordings">\n')
  for (const entry of input.entries) {
    const anchor = entryAnchor(entry)
    const href = escapeMarkup(audioHref(entry))
    const made = new Date(entry.mtime)
    parts.push(
      `<li id="${anchor}"><article aria-labelledby="${anchor}-title">\n`,
      `<h2 id="${anchor}-title">${escapeMarkup(publishedTitle(entry))}</h2>\n`,
      `<p class="meta"><time datetime="${Number.isNaN(made.getTime()) ? '' : made.toISOString()}">${formatUtc(entry.mtime)}</time>, ${formatDuration(entry.durationMs)}</p>\n`,
      `<audio controls preload="none" src="${href}" aria-labelledby="${anchor}-title"><a href="${href}">Listen</a></audio>\n`,
      `<p class="meta"><a href="${href}" download>Download (${FORMAT_NAMES[formatOfPath(entry.path)]}, ${formatSize(entry.size)})</a></p>\n`,
      '</article></li>\n'
    )
  }
  if (input.entries.length > 0) parts.push('</ol>\n')
  parts.push('</main>\n</body>\n</html>\n')
  return parts.join('')
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
