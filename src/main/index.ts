/**
 * The Electron entry: a thin adapter. Everything the app does lives in AppServices (plain Node)
 * and the desktop logic in ./desktop (plain too); this file wires them to Electron: the window,
 * IPC, the audio scheme, hyper:// links, the single-instance lock, start-up and quitting.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, dialog, ipcMain, powerMonitor, protocol, safeStorage } from 'electron'
import { AppServices } from './app/app-services'
import { configureLogging, currentLogFile, flushLogs, logDirOf, logger } from './app/logging'
import { describeStartupError } from './app/startup-error'
import { LinkRouter, linkRegistration, linksInArgv } from './desktop/hyper-links'
import { launchDesktop } from './desktop/launch'
import { QuitSequence } from './desktop/quit-sequence'
import { isTrustedPageUrl, rendererEntryUrl } from './desktop/renderer-page'
import { reportStartupFailure } from './desktop/startup-failure'
import { WindowPresenter } from './desktop/window-presenter'
import { AUDIO_SCHEME_PRIVILEGES, handleAudioProtocol } from './electron/audio-protocol'
import { startDesktopShell, type DesktopShell } from './electron/desktop-shell'
import { chooseBackupFile, openFolderInFileManager, registerLinkHandler, watchSessionEnd, windowHandle } from './electron/desktop-ports'
import { secretSealerFor } from './desktop/secret-sealer'
import { forwardEvents, registerIpcBridge } from './electron/ipc-bridge'
import { createMainWindow } from './electron/main-window'

const OUT_DIR = fileURLToPath(new URL('..', import.meta.url))
/** The project's resources/ (icons), beside out/ in development and inside app.asar when packaged. */
const RESOURCES_DIR = join(OUT_DIR, '..', 'resources')
const WEBHOOK_PORT = Number(process.env.WEBHOOK_PORT ?? 3000)
const log = logger('electron')

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
  // Only the process that holds the data directory writes its log.
  configureLogging({ dir: logDirOf(app.getPath('userData')), verbose: process.argv.includes('--verbose') })

  let services: AppServices | undefined
  let shell: DesktopShell | undefined
  let quit: QuitSequence | undefined
  let quitting = false
  const entryUrl = rendererEntryUrl({ devServerUrl: process.env.ELECTRON_RENDERER_URL, packaged: app.isPackaged, outDir: OUT_DIR })
  const presenter = new WindowPresenter(() => {
    const window = createMainWindow({ entryUrl, outDir: OUT_DIR, icon: join(RESOURCES_DIR, 'icon.png') })
    if (services) forwardEvents(services, window)
    window.once('closed', () => {
      if (!quitting) shell?.windowClosed()
    })
    return windowHandle(window)
  })
  // A launch while the services boot asks for the window even when this start is hidden.
  let windowAsked = false
  for (const link of linksInArgv(process.argv)) links.receive(link)

  app.on('second-instance', (_event, argv) => {
    const received = linksInArgv(argv)
    for (const link of received) links.receive(link)
    // A link shows its journal once opened; a plain second launch just brings the window back.
    if (received.length > 0 || quitting) return
    if (shell) presenter.show()
    else windowAsked = true
  })

  // Closing the window never quits: the app keeps seeding and taking calls (the tray, or a
  // second launch, brings the window back; see desktop/background-notice.ts). Listening is
  // what stops Electron from quitting when its last window closes.
  app.on('window-all-closed', () => {})

  // Every way of ending (Quit in the tray or a menu, the system shutting down, the Windows
  // session ending) goes through app.quit() and runs the same bounded shutdown
  // (desktop/quit-sequence.ts), which ends the process with app.exit. before-quit is left to
  // proceed, so Electron counts the app as quitting (at session end it would otherwise kill it
  // at once) and closes the windows; will-quit is held until the shutdown is done.
  app.on('before-quit', () => {
    quitting = true
    void quit?.run('quit')
  })
  app.on('will-quit', (event) => {
    if (!quit) return // before the services are up there is nothing to close
    event.preventDefault()
    void quit.run('quit')
  })

  launchDesktop({
    platform: process.platform,
    argv: process.argv,
    setAppUserModelId: (id) => app.setAppUserModelId(id),
    whenReady: () => app.whenReady(),
    wasOpenedAtLogin: () => app.getLoginItemSettings().wasOpenedAtLogin,
    start: async ({ hidden }) => {
      const registration = linkRegistration({ platform: process.platform, packaged: app.isPackaged, execPath: process.execPath, appPath: app.getAppPath(), env: process.env })
      if (registration && !registerLinkHandler(registration)) log.warn('could not register as the hyper:// handler')
      const booted = await AppServices.boot({
        dataDir: app.getPath('userData'),
        openFolder: openFolderInFileManager,
        chooseBackupFile,
        // Asked after ready: safeStorage cannot tell before (and on Linux needs the key store's D-Bus).
        secretSealer: secretSealerFor(safeStorage, process.platform) ?? undefined
      })
      services = booted
      quit = new QuitSequence({
        stopShell: () => shell?.dispose(),
        shutdown: async () => {
          const failures = await booted.shutdown()
          // Each is logged by the stack already; this marks the quit as not clean.
          if (failures.length > 0) throw new Error(`${failures.map((failure) => failure.name).join(', ')} did not close cleanly`)
        },
        flushLogs,
        exit: (code) => app.exit(code)
      })
      handleAudioProtocol(protocol, booted)
      registerIpcBridge(ipcMain, booted, (url) => isTrustedPageUrl(url, entryUrl))
      // Desktop installs take webhooks through a tunnel to this machine, so loopback is enough.
      await booted.webhooks.listen(WEBHOOK_PORT, '127.0.0.1').catch((error: unknown) => {
        log.error({ err: error }, `webhooks not listening: ${describeStartupError(error)}`)
      })
      shell = await startDesktopShell({ services: booted, presenter, links, resourcesDir: RESOURCES_DIR })
      // The system going down: Linux and macOS tell powerMonitor (preventDefault asks logind, or
      // macOS, to wait for the exit); Windows tells windows, and sends no before-quit then.
      // The listener does get an event (ShouldShutdown returns !Emit("shutdown") in
      // shell/browser/api/electron_api_power_monitor.cc), though electron.d.ts types it as none.
      powerMonitor.on('shutdown', (event?: Electron.Event) => {
        event?.preventDefault()
        void quit?.run('the system is shutting down')
        app.quit()
      })
      if (process.platform === 'win32') {
        watchSessionEnd(() => {
          void quit?.run('the Windows session is ending')
          app.quit()
        })
      }
      const showWindow = !hidden || windowAsked
      if (showWindow) presenter.show()
      log.info({ window: showWindow }, showWindow ? 'started' : 'started in the background')
      app.on('activate', () => {
        if (!quitting) presenter.show()
      })
    },
    failed: (error) =>
      reportStartupFailure(error, {
        logFile: currentLogFile,
        showErrorBox: (title, content) => dialog.showErrorBox(title, content),
        // Whatever had started is closed (bounded) before the exit.
        exit: (code) => (quit ? quit.run('start failed', code) : flushLogs().then(() => app.exit(code)))
      })
  }).catch((error: unknown) => {
    log.error({ err: error }, 'a failed start could not be reported')
    app.exit(1)
  })
}
