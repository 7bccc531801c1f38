import { startedHidden } from './login-item'

/**
 * The installer's identity (electron-builder.yml `appId`). On Windows it is the
 * AppUserModelID: the shortcut the NSIS installer makes carries it, so toasts and taskbar
 * grouping find the app only when the running process claims the same one. Left unset,
 * Electron falls back to `electron.app.<name>`.
 */
export const APP_ID = 'org.voicejournal.desktop'

/**
 * The Linux desktop entry the deb installs (`desktopName` in package.json, which electron-builder's
 * `linux.syncDesktopName` also names the installed file after). Electron uses it as the Wayland
 * app_id / WM_CLASS, and the file's MimeType line is what makes the app the hyper:// handler there.
 */
export const DESKTOP_FILE = 'voice-journal.desktop'

/** What the start needs of Electron's `app` (the adapter passes the real calls). */
export interface LaunchHost {
  platform: NodeJS.Platform
  argv: readonly string[]
  /** app.setAppUserModelId (Windows). */
  setAppUserModelId(id: string): void
  /** app.whenReady */
  whenReady(): Promise<void>
  /** app.getLoginItemSettings().wasOpenedAtLogin (macOS). */
  wasOpenedAtLogin(): boolean
  /** Boots the services and the desktop around them, then shows the window unless `hidden`. */
  start(launch: { hidden: boolean }): Promise<void>
  /** A start that failed: tell the person, then exit. */
  failed(error: unknown): Promise<void>
}

/**
 * The order the desktop app starts in. Called while the main module loads; returns when the
 * app has started or its failure has been reported.
 *
 * - The AppUserModelID is claimed first, before anything that depends on it: on Windows the
 *   login item's Run entry is named after it (setLoginItemSettings' `name` "defaults to the app's
 *   AppUserModelId()", Electron's app.md), and notifications are attributed by it.
 * - Whether this is a login start is read only after `ready`: macOS records it in
 *   applicationDidFinishLaunching (shell/browser/mac/electron_application_delegate.mm calls
 *   SetLaunchedAtLogin just before DidFinishLaunching, which emits `ready`), so an earlier read
 *   of wasOpenedAtLogin is always false.
 */
export async function launchDesktop(host: LaunchHost): Promise<void> {
  if (host.platform === 'win32') host.setAppUserModelId(APP_ID)
  try {
    await host.whenReady()
    const hidden = startedHidden(host.argv, host.platform, () => host.wasOpenedAtLogin())
    await host.start({ hidden })
  } catch (error) {
    await host.failed(error)
  }
}
