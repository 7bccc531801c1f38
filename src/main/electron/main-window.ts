import { join } from 'node:path'
import { BrowserWindow, shell } from 'electron'
import { logger } from '../app/logging'
import { isPermissionAllowed } from '../desktop/permissions'
import { isTrustedPageUrl } from '../desktop/renderer-page'

const log = logger('window')

export interface MainWindowOptions {
  /** rendererEntryUrl's answer: the built page, or the dev server in a development run. */
  entryUrl: string
  outDir: string
  /** Window icon (Linux shows it; macOS and Windows take the app's). */
  icon?: string
}

/** Links the user may open in their browser; nothing else leaves the app. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return ['https:', 'http:', 'mailto:'].includes(new URL(url).protocol)
  } catch {
    return false
  }
}

/**
 * The window. Its Content Security Policy is the page's own <meta> (src/renderer/index.html),
 * which applies to the file:// page of the installed app as much as to the dev server's; a
 * response header would not, since file:// loads have no headers to add it to.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { entryUrl } = options
  const window = new BrowserWindow({
    width: 1180,
    height: 800,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Voice Journal',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      // Reviewed for the security scan: the preload only exposes the API contract's methods
      // through contextBridge (no ipcRenderer, no Node) to this sandboxed, isolated page.
      preload: join(options.outDir, 'preload', 'index.cjs'), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
      // Middle-click would otherwise try to open links in a new window (denied below anyway).
      disableBlinkFeatures: 'Auxclick'
    }
  })
  window.once('ready-to-show', () => window.show())

  // The window only ever shows the app itself: navigation away is refused, new windows too;
  // http(s) links go to the user's browser after a check.
  window.webContents.on('will-navigate', (event, url) => {
    if (!isTrustedPageUrl(url, entryUrl)) event.preventDefault()
  })
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Safe: isSafeExternalUrl lets only http(s) and mailto through, never file: or custom schemes.
    if (isSafeExternalUrl(url)) shell.openExternal(url).catch((error: unknown) => log.warn({ err: error }, 'the link could not be opened in the browser')) // eng-disable OPEN_EXTERNAL_JS_CHECK
    return { action: 'deny' }
  })
  const session = window.webContents.session
  // Every permission request and check is refused unless it is the app's own page asking for
  // what it uses (the clipboard, to copy keys and URLs; the microphone, sound only, to record).
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : []
    callback(isPermissionAllowed(permission, isTrustedPageUrl(details.requestingUrl, entryUrl), mediaTypes))
  })
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => {
    return isPermissionAllowed(permission, isTrustedPageUrl(details.requestingUrl ?? '', entryUrl), details.mediaType ? [details.mediaType] : [])
  })
  window.loadURL(entryUrl).catch((error: unknown) => log.error({ err: error, url: entryUrl }, 'the window could not load its page'))
  return window
}
