import { join } from 'node:path'
import { app, dialog } from 'electron'
import type { AppServices } from '../app/app-services'
import { logger } from '../app/logging'
import { BackgroundNotice } from '../desktop/background-notice'
import type { LinkRouter } from '../desktop/hyper-links'
import { LoginItemSync, refreshAutostartEntry, type LoginItemHost } from '../desktop/login-item'
import { NotificationCenter } from '../desktop/notifications'
import { TrayController } from '../desktop/tray-controller'
import type { WindowPresenter } from '../desktop/window-presenter'
import { createNotifier, createTrayPort, trayIconPath } from './desktop-ports'

const log = logger('desktop')

export interface DesktopShellOptions {
  services: AppServices
  presenter: WindowPresenter
  links: LinkRouter
  resourcesDir: string
}

export interface DesktopShell {
  /** The window was closed and the app keeps running: tells the person, once, how to get back. */
  windowClosed(): void
  dispose(): void
}

/**
 * Everything around the window once the services are up: the tray, notifications, the login
 * item and the link router. The logic is in src/main/desktop; this only hands it Electron.
 */
export async function startDesktopShell({ services, presenter, links, resourcesDir }: DesktopShellOptions): Promise<DesktopShell> {
  const tray = startTray(services, presenter, resourcesDir)

  const notify = createNotifier(join(resourcesDir, 'icon.png'), (notice) => presenter.show(notice.journal ? { journal: notice.journal } : undefined))
  const notifications = new NotificationCenter({ services, switches: () => services.settings.value, notify })
  const intake = await services.api.getIntakeStatus().catch((error: unknown) => {
    log.warn({ err: error }, 'could not read the intake status; downloads that failed before this start may be notified again')
    return null
  })
  notifications.start(intake)

  const background = new BackgroundNotice({
    platform: process.platform,
    dataDir: services.dataDir,
    notify,
    onError: (error) => log.warn({ err: error }, 'could not show or remember the running-in-the-background notice')
  })

  const loginHost: LoginItemHost = {
    platform: process.platform,
    packaged: app.isPackaged,
    appImage: process.env.APPIMAGE,
    execPath: process.execPath,
    env: process.env,
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings)
  }
  // An AppImage that moved needs its autostart entry pointed at it; nothing else is written at start.
  refreshAutostartEntry(loginHost).catch((error: unknown) => log.warn({ err: error }, 'could not check the autostart entry'))
  const loginItem = new LoginItemSync(loginHost, services.settings.value.openAtLogin, (error, openAtLogin) =>
    log.error({ err: error, openAtLogin }, 'the login item was not changed')
  )
  const stopWatchingSettings = services.settings.onChange((value) => loginItem.update(value.openAtLogin))

  links.attach({
    openLink: (link) => services.openLink(link),
    show: (target) => presenter.show(target, { announced: true }),
    report: (message) => {
      dialog
        .showMessageBox({ type: 'warning', title: 'Voice Journal', message: 'This link cannot be opened', detail: message })
        .catch((error: unknown) => log.error({ err: error, message }, 'could not show why a link cannot be opened'))
    }
  })

  return {
    windowClosed: () => void background.windowClosed(),
    dispose: () => {
      stopWatchingSettings()
      notifications.dispose()
      tray?.dispose()
    }
  }
}

function startTray(services: AppServices, presenter: WindowPresenter, resourcesDir: string): TrayController | null {
  try {
    const controller = new TrayController({
      tray: createTrayPort(trayIconPath(resourcesDir, process.platform), () => presenter.show()),
      services,
      open: () => presenter.show(),
      quit: () => app.quit(),
      onError: (message, error) => log.error({ err: error }, message)
    })
    void controller.start()
    return controller
  } catch (error) {
    // Rare (GNOME without AppIndicator does not even throw): the app runs on without an icon,
    // as it does where the icon is invisible; launching it again shows the window.
    log.warn({ err: error }, 'no tray icon; launching the app again shows its window')
    return null
  }
}
