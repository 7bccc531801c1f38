import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron'
import { API_EVENTS, API_METHODS, type ApiEventName, type ApiEvents } from '#shared/api'
import type { AppServices } from '../app/app-services'
import { invokeApi } from '../api/invoke'

/**
 * One IPC handler per contract method. Only the app's own page may call: a frame from anywhere
 * else (a navigation that slipped through, an injected frame) is refused before any handler runs.
 * The handlers validate every argument themselves (src/main/api/handlers.ts).
 */
export function registerIpcBridge(ipcMain: IpcMain, services: AppServices, isTrustedPage: (url: string) => boolean): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(`api:${method}`, (event: IpcMainInvokeEvent, args: unknown) => {
      const url = event.senderFrame?.url ?? ''
      if (!isTrustedPage(url)) {
        return { ok: false, error: { code: 'bad-request', message: 'Calls are accepted only from the Voice Journal window' } }
      }
      return invokeApi(services.handlers, method, args)
    })
  }
  return () => API_METHODS.forEach((method) => ipcMain.removeHandler(`api:${method}`))
}

/** Forwards the services' events to a window for as long as it lives. */
export function forwardEvents(services: AppServices, window: BrowserWindow): void {
  for (const event of API_EVENTS) {
    const send = (payload: ApiEvents[ApiEventName]): void => {
      if (!window.isDestroyed()) window.webContents.send(`event:${event}`, payload)
    }
    services.on(event, send)
    window.once('closed', () => services.off(event, send))
  }
}
