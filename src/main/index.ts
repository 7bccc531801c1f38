/**
 * The Electron entry: a thin adapter. Everything the app does lives in AppServices (plain Node)
 * and the desktop logic in ./desktop (plain too); this file wires them to Electron: the window,
 * IPC, the audio scheme, hyper:// links, the single-instance lock and a clean quit.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, ipcMain, protocol } from 'electron'
import { AppServices } from './app/app-services'
import { describeStartupError } from './app/startup-error'
import { LinkRouter, linksInArgv, protocolClientArgs } from './desktop/hyper-links'
import { startedHidden } from './desktop/login-item'
import { WindowPresenter } from './desktop/window-presenter'
import { AUDIO_SCHEME_PRIVILEGES, handleAudioProtocol } from './electron/audio-protocol'
import { startDesktopShell, type DesktopShell } from './electron/desktop-shell'
import { registerLinkHandler, windowHandle } from './electron/desktop-ports'
import { forwardEvents, registerIpcBridge } from './electron/ipc-bridge'
import { createMainWindow, isTrustedPageUrl, rendererEntryUrl } from './electron/main-window'

const OUT_DIR = fileURLToPath(new URL('..', import.meta.url))
/** The project's resources/ (icons), beside out/ in development and inside app.asar when packaged. */
const RESOURCES_DIR = join(OUT_DIR, '..', 'resources')
const WEBHOOK_PORT = Number(process.env.WEBHOOK_PORT ?? 3000)

protocol.registerSchemesAsPrivileged([AUDIO_SCHEME_PRIVILEGES])
// A separate data directory (tests, a second profile) must be chosen before the lock is taken.
if (process.env.VOICE_JOURNAL_DATA_DIR) app.setPath('userData', process.env.VOICE_JOURNAL_DATA_DIR)

// macOS hands links over as open-url, possibly before `ready`: listen from the first moment.
const links = new LinkRouter()
app.on('open-url', (event, url) => {
  event.preventDefault()
  links.receive(url)
})

// One process per data directory: Corestore's RocksDB allows a single writer. A second launch
// (another click on a hyper:// link, the app icon) hands its arguments to this one and exits.
if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let services: AppServices | undefined
  let shell: DesktopShell | undefined
  const windowOptions = { devServerUrl: process.env.ELECTRON_RENDERER_URL, outDir: OUT_DIR, icon: join(RESOURCES_DIR, 'icon.png') }
  const presenter = new WindowPresenter(() => {
    const window = createMainWindow(windowOptions)
    if (services) forwardEvents(services, window)
    return windowHandle(window)
  })
  // Started at login: tray only, until someone asks for the window.
  let wantWindow = !startedHidden(process.argv, process.platform, () => app.getLoginItemSettings().wasOpenedAtLogin)
  for (const link of linksInArgv(process.argv)) links.receive(link)

  app.on('second-instance', (_event, argv) => {
    const received = linksInArgv(argv)
    for (const link of received) links.receive(link)
    // A link shows its journal once opened; a plain second launch just brings the window back.
    if (received.length > 0) return
    if (services) presenter.show()
    else wantWindow = true
  })

  app
    .whenReady()
    .then(async () => {
      if (!registerLinkHandler(protocolClientArgs(process))) console.error('[links] could not register as the hyper:// handler')
      services = await AppServices.boot({ dataDir: app.getPath('userData') })
      handleAudioProtocol(protocol, services)
      const entryUrl = rendererEntryUrl(windowOptions)
      registerIpcBridge(ipcMain, services, (url) => isTrustedPageUrl(url, entryUrl))
      // Desktop installs take webhooks through a tunnel to this machine, so loopback is enough.
      await services.webhooks.listen(WEBHOOK_PORT, '127.0.0.1').catch((error: unknown) => {
        console.error(`[webhooks] not listening: ${describeStartupError(error)}`)
      })
      shell = await startDesktopShell({ services, presenter, links, resourcesDir: RESOURCES_DIR })
      if (wantWindow) presenter.show()
      app.on('activate', () => presenter.show())
    })
    .catch((error: unknown) => {
      console.error(describeStartupError(error))
      app.exit(1)
    })

  // Closing the window leaves the app seeding in the tray; Quit in the tray menu ends it.
  app.on('window-all-closed', () => {
    if (!shell?.hasTray) app.quit()
  })

  // Quit waits for the swarm, drives and store to close, so no write is cut off halfway.
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || !services) return
    event.preventDefault()
    quitting = true
    shell?.dispose()
    services
      .shutdown()
      .catch((error: unknown) => console.error('[quit] shutdown failed:', error))
      .finally(() => app.quit())
  })
}
