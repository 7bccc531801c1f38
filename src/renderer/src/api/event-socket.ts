import { API_EVENTS, type ApiEventName } from '#shared/api'
import type { EventMessage } from '#shared/bridge'

const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 15_000

export interface EventSocketHandlers {
  onMessage(message: EventMessage): void
  /** Runs on every (re)connect: events sent while the socket was down are lost, so callers resync. */
  onOpen(): void
}

/** Keeps one WebSocket to the headless host open, reconnecting with capped exponential backoff. */
export function openEventSocket(url: string, handlers: EventSocketHandlers): () => void {
  let socket: WebSocket | null = null
  let retryMs = FIRST_RETRY_MS
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let closed = false

  function connect(): void {
    socket = new WebSocket(url)
    socket.addEventListener('open', () => {
      retryMs = FIRST_RETRY_MS
      handlers.onOpen()
    })
    socket.addEventListener('message', (event) => {
      const message = parseMessage(event.data)
      if (message) handlers.onMessage(message)
    })
    socket.addEventListener('close', scheduleReconnect)
  }

  function scheduleReconnect(): void {
    if (closed) return
    // Jitter keeps several windows from hammering a restarting host in lockstep.
    const delay = retryMs * (0.75 + Math.random() * 0.5)
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS)
    retryTimer = setTimeout(connect, delay)
  }

  connect()

  return () => {
    closed = true
    clearTimeout(retryTimer)
    socket?.close()
  }
}

function parseMessage(data: unknown): EventMessage | null {
  if (typeof data !== 'string') return null
  try {
    const parsed = JSON.parse(data) as Partial<EventMessage>
    if (!API_EVENTS.includes(parsed.event as ApiEventName) || parsed.payload == null) return null
    return parsed as EventMessage
  } catch {
    return null
  }
}
