import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener, type HttpBindings } from '@hono/node-server'
import { Hono, type MiddlewareHandler } from 'hono'
import { logger } from '../app/logging'

const log = logger('webhooks')

/**
 * Connections the kernel holds for us while the app is busy. Node's default (511) is less than a
 * burst of calls answered at once; a connection refused there is retried by the caller only after
 * a second, past Vonage's one-second connect timeout.
 */
const CONNECTION_BACKLOG = 4096

/**
 * The internet-facing listener Vonage calls (`/webhooks/*`). It is a separate server from the
 * window's so nothing of the UI API is reachable from outside. The phone-intake routes are added
 * to `app` by the intake service.
 */
export class WebhookServer {
  readonly app = new Hono()
  private readonly server: Server
  private listeningUrl: string | null = null

  constructor() {
    this.app.use('*', refuseDotSegments)
    this.app.get('/healthz', (c) => c.text('ok'))
    this.app.notFound((c) => c.text('Not found', 404))
    this.app.onError((error, c) => {
      log.error({ err: error }, 'request failed')
      return c.text('Internal error', 500)
    })
    this.server = createServer(getRequestListener(this.app.fetch))
  }

  get httpServer(): Server {
    return this.server
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen({ port, host, backlog: CONNECTION_BACKLOG }, () => resolve())
    })
    const { port: actual } = this.server.address() as AddressInfo
    const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    this.listeningUrl = `http://${local.includes(':') ? `[${local}]` : local}:${actual}/webhooks`
    return actual
  }

  /** The webhooks' base as reached from this machine (null until listening). */
  get localUrl(): string | null {
    return this.listeningUrl
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/**
 * A path with `.` or `..` segments (also percent-encoded, or with backslashes, which URL parsing
 * takes for slashes) is refused as it came: parsing resolves them before routing, so
 * `/p/<id>/../../x` would otherwise be answered as `/x`. Nothing this listener serves has one.
 */
const DOT_SEGMENT = /(^|[\\/])(\.|%2e){1,2}([\\/?#]|$)/i

const refuseDotSegments: MiddlewareHandler = async (c, next) => {
  // The request line as it came (absent when the app is called without the Node server, as in some tests).
  const raw = (c.env as Partial<HttpBindings> | undefined)?.incoming?.url
  if (raw && DOT_SEGMENT.test(raw)) return c.text('Not found', 404)
  await next()
}
