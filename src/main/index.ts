/**
 * The Electron entry: a thin adapter. Everything the app does lives in AppServices (plain Node);
 * this file adds the window, IPC, the audio scheme, the single-instance lock and a clean quit.
 */
import { app, BrowserWindow, ipcMain, protocol } from 'electron'
import { fileURLToPath } from 'node:url'
import { AppServices } from './app/app-services'
import { describeStartupError } from './app/startup-error'
import { AUDIO_SCHEME_PRIVILEGES, handleAudioProtocol } from './electron/audio-protocol'
import { forwardEvents, registerIpcBridge } from './electron/ipc-bridge'
import { createMainWindow, isTrustedPageUrl, rendererEntryUrl } from './electron/main-window'

const OUT_DIR = fileURLToPath(new URL('..', import.meta.url))
const WEBHOOK_PORT = Number(process.env.WEBHOOK_PORT ?? 3000)

protocol.registerSchemesAsPrivileged([AUDIO_SCHEME_PRIVILEGES])
// A separate data directory (tests, a second profile) must be chosen before the lock is taken.
if (process.env.VOICE_JOURNAL_DATA_DIR) app.setPath('userData', process.env.VOICE_JOURNAL_DATA_DIR)

// One process per data directory: Corestore's RocksDB allows a single writer.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let services: AppServices | undefined
  let window: BrowserWindow | undefined
  const windowOptions = { devServerUrl: process.env.ELECTRON_RENDERER_URL, outDir: OUT_DIR }

  const openWindow = (): void => {
    if (!services) return
    window = createMainWindow(windowOptions)
    forwardEvents(services, window)
  }

  app.on('second-instance', () => {
    if (!window || window.isDestroyed()) return openWindow()
    if (window.isMinimized()) window.restore()
    window.focus()
  })

  app
    .whenReady()
    .then(async () => {
      services = await AppServices.boot({ dataDir: app.getPath('userData') })
      handleAudioProtocol(protocol, services)
      const entryUrl = rendererEntryUrl(windowOptions)
      registerIpcBridge(ipcMain, services, (url) => isTrustedPageUrl(url, entryUrl))
      // Desktop installs take webhooks through a tunnel to this machine, so loopback is enough.
      await services.webhooks.listen(WEBHOOK_PORT, '127.0.0.1').catch((error: unknown) => {
        console.error(`[webhooks] not listening: ${describeStartupError(error)}`)
      })
      openWindow()
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow()
      })
    })
    .catch((error: unknown) => {
      console.error(describeStartupError(error))
      app.exit(1)
    })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Quit waits for the swarm, drives and store to close, so no write is cut off halfway.
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || !services) return
    event.preventDefault()
    quitting = true
    services
      .shutdown()
      .catch((error: unknown) => console.error('[quit] shutdown failed:', error))
      .finally(() => app.quit())
  })
}
