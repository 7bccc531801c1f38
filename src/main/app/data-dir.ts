import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where Electron's `app.getPath('userData')` puts "Voice Journal", computed without Electron so
 * the headless host finds the same journal by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = homedir()
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'))
  return join(appData, 'Voice Journal')
}
