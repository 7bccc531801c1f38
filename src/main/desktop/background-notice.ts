import { join } from 'node:path'
import { readJsonFile, writeJsonFile } from '../storage/json-file'
import type { DesktopNotice } from './notifications'

/** Remembers, in the data directory, that the notice was shown, so it is shown once. */
export const DESKTOP_STATE_FILE = 'desktop-state.json'

interface DesktopState {
  backgroundNoticeShown?: boolean
}

/**
 * Closing the window never quits: the app is there to keep journals online and take calls.
 * Whether the person can see the tray icon that proves it is still running cannot be known:
 * `new Tray()` succeeds on GNOME without the AppIndicator extension, where the icon is shown
 * nowhere, Electron offers no way to ask whether a tray icon is visible, and Windows 11 puts new
 * icons in the overflow. So the first time the window closes, a notification says the app is
 * still running and how to get back to it: launching it again, which every desktop offers (the
 * single-instance handover shows the window), or the tray icon where there is one.
 */
export function backgroundNotice(platform: NodeJS.Platform): DesktopNotice {
  const title = 'Voice Journal is still running'
  if (platform === 'darwin') {
    return { title, body: 'It keeps your journals online and takes calls. To open it again, click its icon in the Dock or the menu bar; to quit, press ⌘Q.' }
  }
  const tray = platform === 'win32' ? 'its icon in the notification area' : 'its tray icon, where your desktop shows one'
  const quit = platform === 'win32' ? 'Quit in that icon’s menu' : 'Quit in the tray menu or, with the window open, File → Quit'
  return { title, body: `It keeps your journals online and takes calls. To open it again, launch Voice Journal again or use ${tray}. To stop it, use ${quit}.` }
}

export interface BackgroundNoticeOptions {
  platform: NodeJS.Platform
  dataDir: string
  notify(notice: DesktopNotice): void
  onError(error: unknown): void
}

/** Shows backgroundNotice the first time the window is closed with the app still running. */
export class BackgroundNotice {
  private shown: Promise<void> | null = null

  constructor(private readonly options: BackgroundNoticeOptions) {}

  /** The window closed and the app keeps running (not called while quitting). */
  windowClosed(): Promise<void> {
    this.shown ??= this.showOnce().catch((error: unknown) => this.options.onError(error))
    return this.shown
  }

  private async showOnce(): Promise<void> {
    const file = join(this.options.dataDir, DESKTOP_STATE_FILE)
    const state = await readJsonFile<DesktopState>(file, {})
    if (state.backgroundNoticeShown) return
    this.options.notify(backgroundNotice(this.options.platform))
    await writeJsonFile(file, { ...state, backgroundNoticeShown: true })
  }
}
