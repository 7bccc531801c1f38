import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** Passed by the login item: start with the tray only, no window. */
export const HIDDEN_FLAG = '--hidden'
export const AUTOSTART_FILE = 'voice-journal.desktop'

/**
 * Whether this start should stay in the tray: launched with --hidden (the Windows login item and
 * the Linux autostart entry pass it), or opened at login on macOS, whose login items (since
 * macOS 13) pass no arguments but report that they started the app, from `ready` on (launch.ts
 * asks only then).
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

/** The Exec line the autostart entry should have for this executable. */
function execLine(executable: string): string {
  return `Exec=${[executable, HIDDEN_FLAG].map(quoteExecArg).join(' ')}`
}

/** The XDG autostart entry that starts the app at login, hidden. */
export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Voice Journal',
    'Comment=Keeps your voice journals online in the background',
    execLine(executable),
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

export type AutostartRefresh = 'refreshed' | 'current' | 'absent' | 'not-applicable'

/**
 * At start, on Linux: an autostart entry that is there but points at an executable that is not
 * this one (an AppImage that was moved, or updated under a new name) gets its Exec line
 * rewritten; nothing else in it changes, so an entry the person disabled in their desktop's
 * settings (Hidden=true, X-GNOME-Autostart-enabled=false) stays disabled. No entry means start
 * at login is off, or was removed by the person: either way nothing is created.
 */
export async function refreshAutostartEntry(host: LoginItemHost): Promise<AutostartRefresh> {
  if (!host.packaged || host.platform !== 'linux') return 'not-applicable'
  const file = join(autostartDir(host.env), AUTOSTART_FILE)
  let entry: string
  try {
    entry = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent'
    throw error
  }
  const wanted = execLine(host.appImage ?? host.execPath)
  const lines = entry.split('\n')
  const exec = lines.findIndex((line) => line.startsWith('Exec='))
  if (lines[exec] === wanted) return 'current'
  if (exec === -1) lines.splice(1, 0, wanted)
  else lines[exec] = wanted
  await writeFile(file, lines.join('\n'))
  return 'refreshed'
}

/**
 * Keeps the system's login item in step with the setting, writing it only when the setting
 * changes (and never at start). Rewriting at every start undoes what the person did outside the
 * app: on Windows setLoginItemSettings also marks the Run entry approved (its `enabled` option
 * "defaults to true", Electron's app.md), so a login item switched off in Task Manager would be
 * switched back on at the next start; a macOS login item removed in System Settings would come
 * back the same way.
 */
export class LoginItemSync {
  private chain: Promise<void> = Promise.resolve()

  /** `current`: the setting's value at start, taken to be what the system already has. */
  constructor(
    private readonly host: LoginItemHost,
    private current: boolean,
    private readonly onError: (error: unknown, openAtLogin: boolean) => void
  ) {}

  /** Called with every settings change; writes only when start-at-login itself changed. */
  update(openAtLogin: boolean): void {
    if (openAtLogin === this.current) return
    this.current = openAtLogin
    // One write at a time, in the order the switch was flipped.
    this.chain = this.chain.then(async () => {
      try {
        await applyLoginItem(openAtLogin, this.host)
      } catch (error) {
        this.onError(error, openAtLogin)
      }
    })
  }

  /** Resolves when every write asked for so far is done. */
  settled(): Promise<void> {
    return this.chain
  }
}
