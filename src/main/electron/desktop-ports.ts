import { join } from 'node:path'
import { ApiError } from '#shared/api'
import { app, BaseWindow, BrowserWindow, dialog, Menu, nativeImage, Notification, shell, Tray } from 'electron'
import type { DesktopNotice } from '../desktop/notifications'
import type { TrayPort } from '../desktop/tray-controller'
import type { OpenTarget } from '../desktop/hyper-links'
import type { WindowHandle } from '../desktop/window-presenter'

/**
 * Electron's side of the desktop modules (src/main/desktop): each function wraps one Electron
 * object in the small interface its module was written and tested against.
 */

/** macOS menu bars want a black "template" image they tint; elsewhere a colour icon. */
export function trayIconPath(resourcesDir: string, platform: NodeJS.Platform): string {
  return join(resourcesDir, 'tray', platform === 'darwin' ? 'trayTemplate.png' : 'tray.png')
}

export function createTrayPort(iconPath: string, onClick: () => void): TrayPort {
  const image = nativeImage.createFromPath(iconPath)
  if (process.platform === 'darwin') image.setTemplateImage(true)
  const tray = new Tray(image)
  // Windows and most Linux panels open the menu on right-click; a left click opens the window.
  tray.on('click', onClick)
  return {
    setMenu: (template) => tray.setContextMenu(Menu.buildFromTemplate(template)),
    setToolTip: (text) => tray.setToolTip(text),
    destroy: () => tray.destroy()
  }
}

/**
 * Shows notifications; a click calls `onClick` with the notice. Shown notifications are kept
 * until closed: one that is garbage-collected loses its click handler.
 */
export function createNotifier(icon: string, onClick: (notice: DesktopNotice) => void): (notice: DesktopNotice) => void {
  const shown = new Set<Notification>()
  // Loaded once as an image: inside app.asar a file path would mean nothing to the system's notifier.
  const image = nativeImage.createFromPath(icon)
  return (notice) => {
    if (!Notification.isSupported()) return
    const notification = new Notification({ title: notice.title, body: notice.body, icon: image })
    shown.add(notification)
    notification.on('click', () => {
      shown.delete(notification)
      onClick(notice)
    })
    notification.on('close', () => shown.delete(notification))
    notification.show()
  }
}

export function windowHandle(window: BrowserWindow): WindowHandle {
  return {
    isDestroyed: () => window.isDestroyed(),
    reveal: () => {
      if (window.isMinimized()) window.restore()
      window.show()
      window.focus()
    },
    sendOpen: (target: OpenTarget) => {
      if (!window.isDestroyed()) window.webContents.send('event:open', target)
    },
    onceLoaded: (callback) => window.webContents.once('did-finish-load', callback)
  }
}

/**
 * app.setAsDefaultProtocolClient with linkRegistration's answer (the dev form names the app to
 * run). Reviewed for the security scan: a hyper:// link from outside is only ever read as a
 * journal key by AppServices.openLink (anything else is refused with a message); it is never
 * loaded in the window, fetched or passed to a shell.
 */
export function registerLinkHandler(client: [string] | [string, string, string[]]): boolean {
  if (client.length === 1) return app.setAsDefaultProtocolClient(client[0]) // eng-disable PROTOCOL_HANDLER_JS_CHECK
  return app.setAsDefaultProtocolClient(client[0], client[1], client[2]) // eng-disable PROTOCOL_HANDLER_JS_CHECK
}

/**
 * Windows tells windows, not apps, that the session is ending ('session-end', from
 * WM_ENDSESSION), and does not emit before-quit then (app.md). A tray app usually has its window
 * closed at log-off, so a hidden window with no page is kept just to hear it. Since Electron's
 * fix for shutting down at session end (electron/electron#52604), the process is terminated
 * right after the handlers run unless they began a quit, so `onEnd` must call app.quit() at once.
 */
export function watchSessionEnd(onEnd: () => void): void {
  // Closed with the other windows when the app quits.
  const listener = new BaseWindow({ show: false, skipTaskbar: true, width: 1, height: 1, title: 'Voice Journal' })
  listener.on('session-end', onEnd)
}

/**
 * Shows a folder in the system's file manager (Settings → Logs). The path is the app's own log
 * folder, never one from the window; shell.openPath answers with an error text, or '' when it worked.
 */
export async function openFolderInFileManager(path: string): Promise<void> {
  const problem = await shell.openPath(path)
  if (problem) throw new ApiError('unavailable', `Could not open ${path}: ${problem}`)
}

/**
 * Settings → Back up my journals: where to save the sealed file, in the system's save dialog
 * (which asks before replacing a file). The path comes from the person, never from the window.
 */
export async function chooseBackupFile(suggestedName: string): Promise<string | null> {
  const window = BrowserWindow.getFocusedWindow()
  const options = {
    title: 'Back up my journals',
    defaultPath: join(app.getPath('documents'), suggestedName),
    buttonLabel: 'Save backup',
    filters: [{ name: 'Voice Journal backup', extensions: ['vjbackup'] }]
  }
  const { canceled, filePath } = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options)
  return canceled || !filePath ? null : filePath
}
