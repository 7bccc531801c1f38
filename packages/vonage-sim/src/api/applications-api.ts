import { timingSafeEqual } from 'node:crypto'
import type { Hono } from 'hono'
import { apiError } from './api-errors'

export interface WebhookAddress {
  address: string
  http_method: 'GET' | 'POST'
  /** Milliseconds, as Vonage's application object has them. */
  connect_timeout?: number
  socket_timeout?: number
}

/** An application as Vonage's Applications API v2 has it (snake_case on the wire). */
export interface VonageApplication {
  id: string
  name: string
  capabilities: {
    voice?: {
      webhooks: {
        answer_url?: WebhookAddress
        event_url?: WebhookAddress
        fallback_answer_url?: WebhookAddress
      }
      [key: string]: unknown
    }
    [key: string]: unknown
  }
  keys: { public_key: string }
  [key: string]: unknown
}

export interface ApplicationsContext {
  apiKey: string
  apiSecret: string
  get: () => VonageApplication
  set: (application: VonageApplication) => void
}

/**
 * `GET` and `PUT /v2/applications/:id`, Basic auth with the account's API key and secret. PUT
 * replaces the whole application (as Vonage's does); keys left out keep the current public key.
 */
export function addApplicationRoutes(app: Hono, context: ApplicationsContext): void {
  app.use('/v2/applications/*', async (c, next) => {
    if (!basicAuthMatches(c.req.header('authorization'), context.apiKey, context.apiSecret)) {
      return apiError(c, 401, 'Unauthorized', 'You did not provide correct credentials.')
    }
    await next()
  })

  app.get('/v2/applications/:id', (c) => {
    const current = context.get()
    if (c.req.param('id') !== current.id) return apiError(c, 404, 'Not Found', 'Application does not exist.')
    return c.json(withLinks(current, c.req.url))
  })

  app.put('/v2/applications/:id', async (c) => {
    const current = context.get()
    if (c.req.param('id') !== current.id) return apiError(c, 404, 'Not Found', 'Application does not exist.')
    let body: unknown
    try {
      body = await c.req.json()
    } catch {
      return apiError(c, 400, 'Bad Request', 'The request body is not JSON.')
    }
    const problem = applicationProblem(body)
    if (problem) return apiError(c, 400, 'Bad Request', problem)
    const incoming = body as VonageApplication
    // The response never echoes a private key, and ids and links are the server's.
    const { _links: _ignored, keys, ...rest } = incoming
    const next: VonageApplication = {
      ...rest,
      id: current.id,
      keys: { public_key: typeof keys?.public_key === 'string' && keys.public_key ? keys.public_key : current.keys.public_key }
    }
    context.set(next)
    return c.json(withLinks(next, c.req.url))
  })
}

function withLinks(application: VonageApplication, url: string): VonageApplication {
  return { ...application, _links: { self: { href: new URL(url).pathname } } }
}

function basicAuthMatches(header: string | undefined, apiKey: string, apiSecret: string): boolean {
  const encoded = /^Basic\s+(\S+)$/i.exec(header ?? '')?.[1]
  if (!encoded) return false
  const given = Buffer.from(Buffer.from(encoded, 'base64').toString('utf8'))
  const expected = Buffer.from(`${apiKey}:${apiSecret}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** What Vonage would refuse with 400: no name, or voice webhooks that are not addresses. */
function applicationProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The body must be an application object.'
  const application = body as Record<string, unknown>
  if (typeof application.name !== 'string' || application.name.trim() === '') return 'name is required.'
  const capabilities = application.capabilities
  if (capabilities === undefined) return null
  if (typeof capabilities !== 'object' || capabilities === null) return 'capabilities must be an object.'
  const voice = (capabilities as Record<string, unknown>).voice
  if (voice === undefined) return null
  const webhooks = (voice as Record<string, unknown> | null)?.webhooks
  if (typeof webhooks !== 'object' || webhooks === null) return 'capabilities.voice.webhooks is required.'
  for (const [name, value] of Object.entries(webhooks)) {
    if (!['answer_url', 'event_url', 'fallback_answer_url'].includes(name)) continue
    const hook = value as Record<string, unknown> | null
    if (typeof hook?.address !== 'string' || !URL.canParse(hook.address)) return `capabilities.voice.webhooks.${name}.address must be a URL.`
    if (hook.http_method !== undefined && hook.http_method !== 'GET' && hook.http_method !== 'POST') {
      return `capabilities.voice.webhooks.${name}.http_method must be GET or POST.`
    }
  }
  return null
}
