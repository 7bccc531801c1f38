import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { WebSocketServer, type WebSocket } from 'ws'
import { API_EVENTS, type ApiEventName, type ApiEvents } from '#shared/api'
import type { EventMessage } from '#shared/bridge'
import type { AppServices } from '../app/app-services'
import { createUiApp, hasToken, isLoopbackHost } from './ui-app'
import { logger } from '../app/logging'

const log = logger('ui')

/** The window's server for the headless mode: HTTP for calls and audio, a WebSocket for events. */
export class UiServer {
  private readonly server: Server
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 })
  private readonly unsubscribe: Array<() => void> = []
  private pendingOpen: ApiEvents['open'] | null = null

  constructor(
    private readonly services: AppServices,
    private readonly token: string,
    rendererDir: string
  ) {
    const app = createUiApp({ services, token, rendererDir })
    this.server = createServer(getRequestListener(app.fetch))
    this.server.on('upgrade', (request, socket, head) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      const origin = request.headers.origin
      const allowed =
        url.pathname === '/events' &&
        isLoopbackHost(request.headers.host) &&
        // Browsers always send Origin: only this server's own page may subscribe.
        (origin === undefined || origin === `http://${request.headers.host}`) &&
        hasToken(url.searchParams.get('token'), token)
      if (!allowed) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
        return
      }
      this.sockets.handleUpgrade(request, socket, head, (ws) => this.greet(ws))
    })
    for (const event of API_EVENTS) {
      const listener = (payload: ApiEvents[typeof event]): void => this.broadcast(event, payload)
      services.on(event, listener)
      this.unsubscribe.push(() => services.off(event, listener))
    }
  }

  /** Listens on 127.0.0.1 only: the window's API must never face the network. */
  async listen(port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, '127.0.0.1', () => resolve())
    })
    const { port: actual } = this.server.address() as AddressInfo
    return `http://127.0.0.1:${actual}/#token=${this.token}`
  }

  async close(): Promise<void> {
    for (const stop of this.unsubscribe) stop()
    for (const client of this.sockets.clients) client.terminate()
    this.sockets.close()
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** The first window to connect is asked to show this journal (a link from the command line). */
  openOnFirstWindow(target: ApiEvents['open']): void {
    this.pendingOpen = target
  }

  /** A window that (re)connects gets the current status at once instead of asking for it. */
  private greet(ws: WebSocket): void {
    const open = this.pendingOpen
    this.pendingOpen = null
    if (open) ws.send(JSON.stringify({ event: 'open', payload: open } satisfies EventMessage<'open'>))
    this.services.activeJournal.status().then(
      (status) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event: 'status', payload: status } satisfies EventMessage<'status'>))
      },
      (error: unknown) => log.error({ err: error }, 'cannot read status for a new window')
    )
  }

  private broadcast<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    const message: EventMessage<E> = { event, payload }
    const text = JSON.stringify(message)
    this.sockets.clients.forEach((client: WebSocket) => {
      if (client.readyState === client.OPEN) client.send(text)
    })
  }
}
