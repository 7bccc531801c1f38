import {
  API_EVENTS,
  ApiError,
  type ApiArgs,
  type ApiClient,
  type ApiErrorCode,
  type ApiEventName,
  type ApiEvents,
  type ApiMethod,
  type ApiResult
} from '#shared/api'
import { audioResourcePath } from '#shared/bridge'
import { buildApi } from './build-api'
import { createEmitter } from './emitter'
import { openEventSocket } from './event-socket'

interface ErrorBody {
  error?: { code?: ApiErrorCode; message?: string; field?: string }
}

export interface HttpClient extends ApiClient {
  /** Closes the event socket for good (a page unloading closes it anyway; tests close it themselves). */
  close(): void
}

/** Browser transport for the headless host, which serves this page and the API on one origin. */
export function createHttpClient(token: string): HttpClient {
  const emitter = createEmitter()
  let closeSocket: (() => void) | null = null

  async function send(url: string, init: RequestInit): Promise<unknown> {
    let response: Response
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...init.headers, Authorization: `Bearer ${token}` }
      })
    } catch {
      throw new ApiError('internal', 'Cannot reach the Voice Journal service.')
    }
    const text = await response.text()
    let body: unknown
    try {
      body = text === '' ? {} : JSON.parse(text)
    } catch {
      throw new ApiError('internal', `HTTP ${response.status}`)
    }
    if (!response.ok) {
      const error = (body as ErrorBody).error
      if (error?.code && error.message !== undefined) throw new ApiError(error.code, error.message, error.field)
      throw new ApiError('internal', `HTTP ${response.status}`)
    }
    return (body as { result?: unknown }).result
  }

  function call<M extends ApiMethod>(method: M, args: ApiArgs<M>): Promise<ApiResult<M>> {
    if (method === 'appendImport') {
      // Chunks travel as raw bytes: JSON would inflate them by a third and cost a copy each way.
      const { importId, chunk } = args as ApiArgs<'appendImport'>
      return send(`/api/appendImport?importId=${encodeURIComponent(importId)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: chunk as Uint8Array<ArrayBuffer>
      }) as Promise<ApiResult<M>>
    }
    return send(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args ?? {})
    }) as Promise<ApiResult<M>>
  }

  /**
   * How each event's current value is fetched when pushes may have been missed. `blocks` and
   * `open` have no current value; a fresh `library` (every journal's version) lets the window
   * notice what moved in a journal other than the active one.
   */
  const current: { [E in ApiEventName]?: () => Promise<ApiEvents[E]> } = {
    status: () => call('getStatus', {}),
    library: () => call('listLibrary', undefined),
    intake: () => call('getIntakeStatus', undefined),
    calls: async () => ({ count: (await call('listCalls', undefined)).length }),
    notifications: () => call('getNotifications', undefined)
  }

  async function resyncOne<E extends ApiEventName>(event: E): Promise<void> {
    const fetchCurrent = current[event]
    if (!fetchCurrent || !emitter.has(event)) return
    try {
      emitter.emit(event, await fetchCurrent())
    } catch {
      // The socket is up but the API is not (yet); the next event or reconnect will resync.
    }
  }

  async function resync(): Promise<void> {
    // Whatever changed while the socket was down arrives as one fresh value per event.
    await Promise.all(API_EVENTS.map((event) => resyncOne(event)))
  }

  function ensureSocket(): void {
    if (closeSocket) return
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    closeSocket = openEventSocket(`${scheme}://${location.host}/events?token=${encodeURIComponent(token)}`, {
      onOpen: () => void resync(),
      onMessage: (message) => emitter.emit(message.event, message.payload)
    })
  }

  return {
    ...buildApi(call),
    on(event, listener) {
      ensureSocket()
      return emitter.on(event, listener)
    },
    audioUrl(journal, path, version) {
      const resource = audioResourcePath(journal, path, version)
      return `/audio${resource}${resource.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`
    },
    close() {
      closeSocket?.()
    }
  }
}
