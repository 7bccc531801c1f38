/**
 * Sandboxed preload: exposes exactly the API contract (enveloped, see src/shared/bridge.ts) as
 * `window.voiceJournal`, and nothing else: no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_EVENTS, API_METHODS, type ApiEventName } from '#shared/api'
import { AUDIO_SCHEME, audioResourcePath, type ApiBridge } from '#shared/bridge'

const methods = Object.fromEntries(API_METHODS.map((method) => [method, (args: unknown) => ipcRenderer.invoke(`api:${method}`, args)]))

const bridge = {
  ...methods,
  on(event: ApiEventName, listener: (payload: unknown) => void) {
    if (!(API_EVENTS as readonly string[]).includes(event)) throw new Error(`Unknown event ${String(event)}`)
    const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(`event:${event}`, forward)
    return () => {
      ipcRenderer.removeListener(`event:${event}`, forward)
    }
  },
  audioUrl(journal: string, path: string, version?: number) {
    // The journal key (lower-case z-base-32) is a valid host name, so it can be the URL's host.
    return `${AUDIO_SCHEME}:/${audioResourcePath(journal, path, version)}`
  }
} as unknown as ApiBridge

contextBridge.exposeInMainWorld('voiceJournal', bridge)
