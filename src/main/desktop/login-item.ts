import { mkdir, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Passed by the login item: start with the tray only, no window. */
export const HIDDEN_FLAG = '--hidden'
export const AUTOSTART_FILE = 'voice-journal.desktop'

/**
 * Whether this start should stay in the tray: launched with --hidden (the Windows login item and
 * the Linux autostart entry pass it), or opened at login on macOS, whose login items (since
 * macOS 13) pass no arguments but report that they started the app.
 */
export function startedHidden(argv: readonly string[], platform: NodeJS.Platform, wasOpenedAtLogin: () => boolean): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true
  return platform === 'darwin' && wasOpenedAtLogin()
}

/** Desktop Entry spec: arguments with spaces or reserved characters are double-quoted, with ", `, $ and \ escaped. */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`
}

/** The XDG autostart entry that starts the app at login, hidden. */
export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Voice Journal',
    'Comment=Keeps your voice journals online in the background',
    `Exec=${[executable, HIDDEN_FLAG].map(quoteExecArg).join(' ')}`,
    'Icon=voice-journal',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    ''
  ].join('\n')
}

export function autostartDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart')
}

export interface LoginItemHost {
  platform: NodeJS.Platform
  /** A development run's executable is Electron itself: registering that would start a bare Electron at login. */
  packaged: boolean
  /** The AppImage file when run from one (process.execPath is its temporary mount, gone after exit). */
  appImage: string | undefined
  execPath: string
  env: NodeJS.ProcessEnv
  /** app.setLoginItemSettings (macOS and Windows). */
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void
}

export type LoginItemResult = 'login-item' | 'autostart-entry' | 'not-packaged'

/**
 * Makes the system start the app at login (hidden) or stop doing so. Electron's login items
 * exist on macOS and Windows only; Linux desktops read ~/.config/autostart, so that is written
 * there instead.
 */
export async function applyLoginItem(openAtLogin: boolean, host: LoginItemHost): Promise<LoginItemResult> {
  if (!host.packaged) return 'not-packaged'
  if (host.platform === 'linux') {
    const file = join(autostartDir(host.env), AUTOSTART_FILE)
    if (openAtLogin) {
      await mkdir(join(file, '..'), { recursive: true })
      await writeFile(file, autostartEntry(host.appImage ?? host.execPath))
    } else {
      await rm(file, { force: true })
    }
    return 'autostart-entry'
  }
  // macOS ignores args (it reports wasOpenedAtLogin instead); Windows passes them.
  host.setLoginItemSettings(host.platform === 'win32' ? { openAtLogin, args: [HIDDEN_FLAG] } : { openAtLogin })
  return 'login-item'
}
