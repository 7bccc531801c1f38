import { join } from 'node:path'
import { app, dialog } from 'electron'
import type { AppServices } from '../app/app-services'
import type { LinkRouter } from '../desktop/hyper-links'
import { applyLoginItem, type LoginItemHost } from '../desktop/login-item'
import { NotificationCenter } from '../desktop/notifications'
import { TrayController } from '../desktop/tray-controller'
import type { WindowPresenter } from '../desktop/window-presenter'
import { createNotifier, createTrayPort, trayIconPath } from './desktop-ports'

export interface DesktopShellOptions {
  services: AppServices
  presenter: WindowPresenter
  links: LinkRouter
  resourcesDir: string
}

export interface DesktopShell {
  /** With a tray the app keeps seeding after its window closes; without one, closing quits. */
  readonly hasTray: boolean
  dispose(): void
}

/**
 * Everything around the window once the services are up: the tray, notifications, the login
 * item and the link router. The logic is in src/main/desktop; this only hands it Electron.
 */
export async function startDesktopShell({ services, presenter, links, resourcesDir }: DesktopShellOptions): Promise<DesktopShell> {
  const tray = startTray(services, presenter, resourcesDir)

  const notifications = new NotificationCenter({
    services,
    switches: () => services.settings.value,
    notify: createNotifier(join(resourcesDir, 'icon.png'), (notice) => presenter.show(notice.journal ? { journal: notice.journal } : undefined))
  })
  notifications.start(await services.api.getIntakeStatus().catch(() => null))

  const loginHost: LoginItemHost = {
    platform: process.platform,
    packaged: app.isPackaged,
    appImage: process.env.APPIMAGE,
    execPath: process.execPath,
    env: process.env,
    setLoginItemSettings: (settings) => app.setLoginItemSettings(settings)
  }
  const applyLogin = (openAtLogin: boolean): void => {
    applyLoginItem(openAtLogin, loginHost).catch((error: unknown) => console.error('[login item] not changed:', error))
  }
  // Applied at every start too: an AppImage that moved needs its autostart entry rewritten.
  let openAtLogin = services.settings.value.openAtLogin
  applyLogin(openAtLogin)
  const stopWatchingSettings = services.settings.onChange((value) => {
    if (value.openAtLogin === openAtLogin) return
    openAtLogin = value.openAtLogin
    applyLogin(openAtLogin)
  })

  links.attach({
    openLink: (link) => services.openLink(link),
    show: (target) => presenter.show(target, { announced: true }),
    report: (message) => {
      void dialog.showMessageBox({ type: 'warning', title: 'Voice Journal', message: 'This link cannot be opened', detail: message })
    }
  })

  return {
    hasTray: tray !== null,
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
      onError: (message, error) => console.error(`[tray] ${message}:`, error)
    })
    void controller.start()
    return controller
  } catch (error) {
    // A desktop without a status area: the app then quits with its window, as apps there do.
    console.error('[tray] not available, closing the window will quit:', error)
    return null
  }
}
