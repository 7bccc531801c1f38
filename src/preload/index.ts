/**
 * Sandboxed preload: exposes exactly the API contract (enveloped, see src/shared/bridge.ts) as
 * `window.voiceJournal`, and nothing else: no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_EVENTS, API_METHODS, type ApiEventName } from '#shared/api'
import { AUDIO_SCHEME, type ApiBridge } from '#shared/bridge'

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
  audioUrl(path: string, version?: number) {
    const encoded = path.split('/').map(encodeURIComponent).join('/')
    return `${AUDIO_SCHEME}://journal${encoded}${version === undefined ? '' : `?version=${version}`}`
  }
} as unknown as ApiBridge

contextBridge.exposeInMainWorld('voiceJournal', bridge)
