import { createHash } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { respondWithAudio } from '../http/audio-response'
import { feedPieces } from './feed'
import { PAGE_CSP, renderPage } from './page'
import { isPublicationId } from './publication-registry'
import { RenderedDocument } from './rendered-document'
import type { Publication, Publisher } from './publisher'
import { rateLimit } from './rate-limit'

export const PUBLIC_PREFIX = '/p'

/**
 * Per address: a podcast app refreshing a feed and fetching episodes, or a browser seeking through
 * an entry, makes a handful of requests; 300 at once leaves room for a whole household behind one
 * address (and for 200 range requests in flight), 30 a second after that is more than any
 * listener needs and well below what keeps the host busy.
 */
const LIMIT = { burst: 300, perSecond: 30 }
/** Changes whenever the renderers' output changes for the same journal, so old ETags stop matching. */
const RENDER_FORMAT = '1'

type Kind = 'page' | 'feed'

/**
 * The publications on the host's public listener: `/p/<id>/` (the web page), `/p/<id>/feed.xml`
 * (the podcast feed) and `/p/<id>/audio/YYYY/MM/<entry>.<ext>` (the audio, with byte ranges).
 * Nothing else under /p answers: an id not published this run, any other path, or a method other
 * than GET or HEAD. Vonage's webhooks are not limited here: the limiter is on /p only.
 */
export function mountPublicRoutes(app: Hono, publisher: Publisher): void {
  // One rendering per publication and kind, kept while the journal's version (and name) stays the same.
  const rendered = new Map<string, RenderedDocument>()

  app.use(`${PUBLIC_PREFIX}/*`, rateLimit(LIMIT))
  app.use(`${PUBLIC_PREFIX}/*`, async (c, next) => {
    await next()
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
  })

  const publication = (c: Context): Publication | null => {
    const id = c.req.param('id')
    return id && isPublicationId(id) ? publisher.find(id) : null
  }

  const serve = async (c: Context, kind: Kind): Promise<Response> => {
    const published = publication(c)
    if (!published) return notFound()
    // The version is known without reading the journal: a client whose copy is current costs nothing more.
    const etag = `"v${published.journal.drive.version}-${digest(published.id, published.name, publisher.urlsOf(published.key)?.page ?? '', kind)}"`
    // A 10,000-entry feed is 5 MB of XML and a tenth of that gzipped; every podcast app takes gzip.
    const gzipped = acceptsGzip(c.req.header('accept-encoding'))
    const headers: Record<string, string> = {
      // Each encoding its own tag, as strong ETags must be; either one revalidates.
      ETag: gzipped ? gzipTag(etag) : etag,
      Vary: 'Accept-Encoding',
      // Always revalidated: the ETag answers in a moment, and a new entry shows at once.
      'Cache-Control': published.private ? 'private, no-cache' : 'no-cache',
      ...(published.private ? { 'X-Robots-Tag': 'noindex, nofollow' } : {})
    }
    const ifNoneMatch = c.req.header('if-none-match')
    if (matches(ifNoneMatch, etag) || matches(ifNoneMatch, gzipTag(etag))) return new Response(null, { status: 304, headers })
    const cacheKey = `${published.id}:${kind}`
    let cached = rendered.get(cacheKey)
    if (cached?.etag !== etag) {
      cached = new RenderedDocument(etag, (await render(published, kind))[Symbol.iterator]())
      rendered.set(cacheKey, cached)
    }
    headers['Content-Type'] = kind === 'page' ? 'text/html; charset=utf-8' : 'application/rss+xml; charset=utf-8'
    let body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>
    if (gzipped) {
      headers['Content-Encoding'] = 'gzip'
      const { bytes, stream } = cached.gzip()
      // The first GET of a new rendering is sent as it is made, without a length (chunked).
      if (stream && c.req.method !== 'HEAD') body = stream
      else body = await bytes
    } else {
      body = await cached.plainBytes()
    }
    if (body instanceof Uint8Array) headers['Content-Length'] = String(body.byteLength)
    // The scanner cannot read a policy held in a constant: it is PAGE_CSP (page.ts), checked in publish-rendering.test.ts.
    if (kind === 'page') headers['Content-Security-Policy'] = PAGE_CSP // eng-disable CSP_GLOBAL_CHECK
    return new Response(c.req.method === 'HEAD' ? null : body, { status: 200, headers })
  }

  const render = async (published: Publication, kind: Kind): Promise<Iterable<string>> => {
    const entries = await published.journal.listEntries()
    if (kind === 'page') return [renderPage({ title: published.name, entries, private: published.private })]
    const urls = publisher.urlsOf(published.key)!
    return feedPieces({ title: published.name, pageUrl: urls.page, feedUrl: urls.feed, publicationId: published.id, entries, private: published.private })
  }

  app.on(['GET', 'HEAD'], `${PUBLIC_PREFIX}/:id/`, (c) => serve(c, 'page'))
  app.on(['GET', 'HEAD'], `${PUBLIC_PREFIX}/:id/feed.xml`, (c) => serve(c, 'feed'))
  // Without the slash the page's relative links would resolve one folder up.
  app.on(['GET', 'HEAD'], `${PUBLIC_PREFIX}/:id`, (c) => (publication(c) ? c.redirect(`${PUBLIC_PREFIX}/${c.req.param('id')}/`, 301) : notFound()))
  app.on(['GET', 'HEAD'], `${PUBLIC_PREFIX}/:id/audio/*`, async (c) => {
    const published = publication(c)
    if (!published) return notFound()
    const url = new URL(c.req.url)
    const prefix = `${PUBLIC_PREFIX}/${published.id}/audio/`
    if (!url.pathname.startsWith(prefix)) return notFound()
    // The current version only: `?version=` would reach entries the journal has since deleted.
    const request = new Request(`${url.origin}${url.pathname}`, { method: c.req.method, headers: c.req.raw.headers })
    const response = await respondWithAudio(request, published.journal, `/recordings/${url.pathname.slice(prefix.length)}`)
    if (published.private) response.headers.set('X-Robots-Tag', 'noindex, nofollow')
    return response
  })
  app.all(`${PUBLIC_PREFIX}/*`, (c) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? notFound() : c.text('Only GET and HEAD', 405, { Allow: 'GET, HEAD' })))
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

function digest(...parts: string[]): string {
  return createHash('sha256').update([RENDER_FORMAT, ...parts].join('\0')).digest('base64url').slice(0, 12)
}

/** If-None-Match: a list of tags, weak or strong (compared weakly, as RFC 9110 says for GET), or `*`. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((tag) => {
    const trimmed = tag.trim()
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag
  })
}

function gzipTag(etag: string): string {
  return `${etag.slice(0, -1)}-gz"`
}

/** Accept-Encoding names gzip (or `*`) without refusing it (`q=0`). */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='))
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0)
  })
}
