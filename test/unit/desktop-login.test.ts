import { strict as assert } from 'node:assert'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { applyLoginItem, autostartDir, autostartEntry, LoginItemSync, quoteExecArg, refreshAutostartEntry, startedHidden, type LoginItemHost } from '../../src/main/desktop/login-item'
import { makeTempDir } from '../helpers/temp-dir'

function host(platform: NodeJS.Platform, configHome: string, overrides: Partial<LoginItemHost> = {}) {
  const calls: Array<{ openAtLogin: boolean; args?: string[] }> = []
  const value: LoginItemHost = {
    platform,
    packaged: true,
    appImage: undefined,
    execPath: '/opt/Voice Journal/voice-journal',
    env: { XDG_CONFIG_HOME: configHome },
    setLoginItemSettings: (settings) => calls.push(settings),
    ...overrides
  }
  return { host: value, calls }
}

describe('start at login', () => {
  it('registers a hidden login item on Windows and a plain one on macOS', async () => {
    const windows = host('win32', '/nowhere')
    assert.equal(await applyLoginItem(true, windows.host), 'login-item')
    assert.deepEqual(windows.calls, [{ openAtLogin: true, args: ['--hidden'] }])
    const mac = host('darwin', '/nowhere')
    await applyLoginItem(false, mac.host)
    assert.deepEqual(mac.calls, [{ openAtLogin: false }])
  })

  it('writes and removes an XDG autostart entry on Linux, pointing at the AppImage when there is one', async () => {
    const config = await makeTempDir()
    try {
      const linux = host('linux', config.dir, { appImage: '/home/me/Apps/Voice Journal.AppImage' })
      assert.equal(await applyLoginItem(true, linux.host), 'autostart-entry')
      const file = join(config.dir, 'autostart', 'voice-journal.desktop')
      const entry = await readFile(file, 'utf8')
      assert.match(entry, /^\[Desktop Entry\]\n/)
      assert.match(entry, /^Exec="\/home\/me\/Apps\/Voice Journal\.AppImage" --hidden$/m)
      assert.equal(linux.calls.length, 0)
      await applyLoginItem(false, linux.host)
      assert.equal(existsSync(file), false)
      // Turning off what is already off is not an error.
      await applyLoginItem(false, linux.host)
    } finally {
      await config.cleanup()
    }
  })

  it('leaves the system alone in a development run (it would register Electron itself)', async () => {
    const dev = host('win32', '/nowhere', { packaged: false })
    assert.equal(await applyLoginItem(true, dev.host), 'not-packaged')
    assert.equal(dev.calls.length, 0)
  })

  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    assert.equal(quoteExecArg('/usr/bin/voice-journal'), '/usr/bin/voice-journal')
    assert.equal(quoteExecArg('/a b/$x"y`z\\'), '"/a b/\\$x\\"y\\`z\\\\"')
    assert.match(autostartEntry('/usr/bin/voice-journal'), /^Exec=\/usr\/bin\/voice-journal --hidden$/m)
    assert.equal(autostartDir({}, '/home/me'), '/home/me/.config/autostart')
    assert.equal(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/me'), '/cfg/autostart')
  })

  it('starts hidden when the login item says so', () => {
    const never = (): boolean => {
      throw new Error('only macOS asks')
    }
    assert.equal(startedHidden(['/opt/vj', '--hidden'], 'linux', never), true)
    assert.equal(startedHidden(['/opt/vj'], 'win32', never), false)
    assert.equal(startedHidden(['/Applications/Voice Journal.app/Contents/MacOS/Voice Journal'], 'darwin', () => true), true)
    assert.equal(startedHidden(['/Applications/Voice Journal.app/Contents/MacOS/Voice Journal'], 'darwin', () => false), false)
  })

  it('writes the login item only when the setting changes, never at start', async () => {
    // Windows re-enables a Run entry on every setLoginItemSettings: one the person switched off
    // in Task Manager must stay off across restarts.
    const windows = host('win32', '/nowhere')
    const errors: unknown[] = []
    const sync = new LoginItemSync(windows.host, true, (error) => errors.push(error))
    sync.update(true)
    await sync.settled()
    assert.deepEqual(windows.calls, [], 'a start with the switch on writes nothing')
    sync.update(false)
    sync.update(false)
    sync.update(true)
    await sync.settled()
    assert.deepEqual(windows.calls, [
      { openAtLogin: false, args: ['--hidden'] },
      { openAtLogin: true, args: ['--hidden'] }
    ])
    assert.deepEqual(errors, [])
  })

  it('reports a login item that could not be written, and writes the next change', async () => {
    let fail = true
    const windows = host('win32', '/nowhere', {
      setLoginItemSettings: () => {
        if (fail) throw new Error('access denied')
      }
    })
    const errors: Array<[string, boolean]> = []
    const sync = new LoginItemSync(windows.host, false, (error, openAtLogin) => errors.push([(error as Error).message, openAtLogin]))
    sync.update(true)
    await sync.settled()
    fail = false
    sync.update(false)
    await sync.settled()
    assert.deepEqual(errors, [['access denied', true]])
  })

  it('points a moved AppImage’s autostart entry at it at start, keeping the person’s changes; creates none', async () => {
    const config = await makeTempDir()
    try {
      const file = join(config.dir, 'autostart', 'voice-journal.desktop')
      const moved = host('linux', config.dir, { appImage: '/home/me/Apps/Voice Journal-2.AppImage' }).host
      assert.equal(await refreshAutostartEntry(moved), 'absent')
      assert.equal(existsSync(file), false, 'no entry is created at start')

      // Disabled in the desktop's settings (Hidden=true) while pointing at the old file.
      await mkdir(join(config.dir, 'autostart'), { recursive: true })
      await writeFile(file, autostartEntry('/home/me/Apps/Voice Journal.AppImage') + 'Hidden=true\n')
      assert.equal(await refreshAutostartEntry(moved), 'refreshed')
      const entry = await readFile(file, 'utf8')
      assert.match(entry, /^Exec="\/home\/me\/Apps\/Voice Journal-2\.AppImage" --hidden$/m)
      assert.match(entry, /^Hidden=true$/m)
      assert.equal(entry.match(/^Exec=/gm)?.length, 1)
      assert.equal(await refreshAutostartEntry(moved), 'current')

      assert.equal(await refreshAutostartEntry(host('win32', config.dir).host), 'not-applicable')
      assert.equal(await refreshAutostartEntry(host('linux', config.dir, { packaged: false }).host), 'not-applicable')
    } finally {
      await config.cleanup()
    }
  })
})
