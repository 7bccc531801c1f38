import { timingSafeEqual } from 'node:crypto'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { IMPORT_CHUNK_BYTES, type ApiErrorCode } from '#shared/api'
import { parseAudioResourcePath } from '#shared/bridge'
import type { AppServices } from '../app/app-services'
import { HTTP_STATUS, invokeApi, isApiMethod } from '../api/invoke'
import { respondWithAudio } from './audio-response'

export interface UiAppOptions {
  services: AppServices
  /** Per-launch secret; every API, audio and event request must carry it. */
  token: string
  /** The built renderer (out/renderer). */
  rendererDir: string
}

const JSON_BODY_LIMIT = 64 * 1024
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * The headless window server: the built renderer, the API contract over HTTP and the audio
 * route. It listens on loopback only; the Host check also stops DNS-rebinding pages from
 * reaching it through a name that resolves to 127.0.0.1.
 */
export function createUiApp({ services, token, rendererDir }: UiAppOptions): Hono {
  const app = new Hono()

  app.use('*', async (c, next) => {
    if (!isLoopbackHost(c.req.header('host'))) return c.text('Unknown host', 421)
    await next()
    c.header('X-Frame-Options', 'DENY')
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
  })

  app.use('/api/*', async (c, next) => {
    if (!hasToken(bearerOf(c.req.header('authorization')), token)) return apiError(c, 'bad-request', 'Missing or wrong access token', 401)
    await next()
  })

  app.post(
    '/api/appendImport',
    bodyLimit({ maxSize: IMPORT_CHUNK_BYTES, onError: (c) => apiError(c, 'too-large', `A chunk holds at most ${IMPORT_CHUNK_BYTES} bytes`) }),
    async (c) => {
      const chunk = new Uint8Array(await c.req.arrayBuffer())
      return envelopeResponse(c, await invokeApi(services.handlers, 'appendImport', { importId: c.req.query('importId'), chunk }))
    }
  )

  app.post(
    '/api/:method',
    bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: (c) => apiError(c, 'too-large', 'Request body too large') }),
    async (c) => {
      const method = c.req.param('method')
      if (!isApiMethod(method)) return apiError(c, 'not-found', `No API method ${method}`)
      let args: unknown
      try {
        const text = await c.req.text()
        args = text ? JSON.parse(text) : {}
      } catch {
        return apiError(c, 'bad-request', 'Body must be JSON')
      }
      if (typeof args !== 'object' || args === null || Array.isArray(args)) return apiError(c, 'bad-request', 'Arguments must be a JSON object')
      return envelopeResponse(c, await invokeApi(services.handlers, method, args))
    }
  )

  app.on(['GET', 'HEAD'], '/audio/*', async (c) => {
    // <audio> cannot send headers, so the token rides in the query (never logged, no referrer).
    if (!hasToken(c.req.query('token'), token)) return c.text('Missing or wrong access token', 401)
    const resource = parseAudioResourcePath(new URL(c.req.url).pathname.slice('/audio'.length))
    return respondWithAudio(c.req.raw, resource && services.library.find(resource.journal), resource?.path ?? '')
  })

  app.use('/*', serveStatic({ root: rendererDir }))
  app.get('*', serveStatic({ root: rendererDir, path: 'index.html' }))
  return app
}

export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]
  return hostname !== undefined && LOOPBACK_HOSTNAMES.has(hostname)
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function hasToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function bearerOf(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined
}

function apiError(c: Context, code: ApiErrorCode, message: string, status?: number): Response {
  // The unread rest of an oversized body would be taken for the next request: end the connection.
  if (code === 'too-large') c.header('Connection', 'close')
  return c.json({ error: { code, message } }, (status ?? HTTP_STATUS[code]) as 400)
}

function envelopeResponse(c: Context, envelope: Awaited<ReturnType<typeof invokeApi>>): Response {
  if (envelope.ok) return c.json({ result: envelope.result })
  const { code, message, field } = envelope.error
  if (code === 'too-large') c.header('Connection', 'close')
  return c.json({ error: { code, message, ...(field ? { field } : {}) } }, HTTP_STATUS[code] as 400)
}
