import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { APP_ID, launchDesktop, type LaunchHost } from '../../src/main/desktop/launch'
import { LoginItemSync, type LoginItemHost } from '../../src/main/desktop/login-item'
import { reportStartupFailure, STARTUP_FAILURE_TITLE } from '../../src/main/desktop/startup-failure'

/**
 * Stands in for Electron's `app` during a start: records every call in order; `ready()` is what
 * Electron emitting `ready` would be. wasOpenedAtLogin answers like macOS does: false until the
 * launch has been recorded, just before `ready`.
 */
function electronApp(platform: NodeJS.Platform, { argv = ['/app'], openedAtLogin = false } = {}) {
  const calls: string[] = []
  let recorded = false
  let ready: () => void = () => {}
  const whenReady = new Promise<void>((resolve) => {
    ready = () => {
      recorded = true
      calls.push('ready')
      resolve()
    }
  })
  const starts: Array<{ hidden: boolean }> = []
  const failures: unknown[] = []
  const host: LaunchHost = {
    platform,
    argv,
    setAppUserModelId: (id) => calls.push(`setAppUserModelId ${id}`),
    whenReady: () => whenReady,
    wasOpenedAtLogin: () => {
      calls.push('wasOpenedAtLogin')
      return recorded && openedAtLogin
    },
    start: async (launch) => {
      calls.push('start')
      starts.push(launch)
    },
    failed: async (error) => {
      failures.push(error)
    }
  }
  return { host, calls, starts, failures, ready: () => ready() }
}

describe('starting the desktop app', () => {
  it('claims the installer’s AppUserModelID on Windows before anything else, and before the login item is written', async () => {
    const electron = electronApp('win32')
    const loginHost: LoginItemHost = {
      platform: 'win32',
      packaged: true,
      appImage: undefined,
      execPath: 'C:\\Program Files\\Voice Journal\\Voice Journal.exe',
      env: {},
      setLoginItemSettings: (settings) => electron.calls.push(`setLoginItemSettings ${settings.openAtLogin}`)
    }
    // The desktop shell's login item, started inside `start` as index.ts does; the switch is flipped at once.
    electron.host.start = async () => {
      electron.calls.push('start')
      const sync = new LoginItemSync(loginHost, false, (error) => assert.fail(String(error)))
      sync.update(true)
      await sync.settled()
    }
    const launched = launchDesktop(electron.host)
    assert.deepEqual(electron.calls, [`setAppUserModelId ${APP_ID}`], 'claimed synchronously, while the main module loads')
    electron.ready()
    await launched
    assert.deepEqual(electron.calls, [`setAppUserModelId ${APP_ID}`, 'ready', 'start', 'setLoginItemSettings true'])
    assert.equal(APP_ID, 'org.voicejournal.desktop')
  })

  it('leaves the AppUserModelID alone elsewhere', async () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const electron = electronApp(platform)
      const launched = launchDesktop(electron.host)
      electron.ready()
      await launched
      assert.ok(!electron.calls.some((call) => call.startsWith('setAppUserModelId')), platform)
    }
  })

  it('asks macOS whether it opened the app at login only after ready, and then starts hidden', async () => {
    const electron = electronApp('darwin', { openedAtLogin: true })
    const launched = launchDesktop(electron.host)
    // Nothing is asked while Electron is still starting: the answer would be false.
    await Promise.resolve()
    assert.deepEqual(electron.calls, [])
    electron.ready()
    await launched
    assert.deepEqual(electron.calls, ['ready', 'wasOpenedAtLogin', 'start'])
    assert.deepEqual(electron.starts, [{ hidden: true }])
  })

  it('shows the window on a normal start, and starts hidden with --hidden without asking macOS', async () => {
    const normal = electronApp('darwin')
    const first = launchDesktop(normal.host)
    normal.ready()
    await first
    assert.deepEqual(normal.starts, [{ hidden: false }])

    const atLogin = electronApp('win32', { argv: ['C:\\vj.exe', '--hidden'] })
    const second = launchDesktop(atLogin.host)
    atLogin.ready()
    await second
    assert.deepEqual(atLogin.starts, [{ hidden: true }])
    assert.ok(!atLogin.calls.includes('wasOpenedAtLogin'))
  })

  it('hands a failed start to `failed`', async () => {
    const electron = electronApp('linux')
    electron.host.start = async () => {
      throw new Error('LOCK: Resource temporarily unavailable')
    }
    const launched = launchDesktop(electron.host)
    electron.ready()
    await launched
    assert.equal((electron.failures[0] as Error).message, 'LOCK: Resource temporarily unavailable')
  })
})

describe('a start that fails', () => {
  it('shows the plain sentence and where the log is in a dialog, then exits with 1', async () => {
    const events: string[] = []
    await reportStartupFailure(new Error('IO error: lock /data/corestore/db/LOCK: Resource temporarily unavailable'), {
      logFile: () => '/home/me/.config/Voice Journal/logs/voice-journal.log',
      showErrorBox: (title, content) => events.push(`dialog ${title}\n${content}`),
      exit: (code) => {
        events.push(`exit ${code}`)
      }
    })
    assert.deepEqual(events, [
      `dialog ${STARTUP_FAILURE_TITLE}\nAnother Voice Journal is already using this data directory. Close it, or pass another --data directory.\nDetails are in the log: /home/me/.config/Voice Journal/logs/voice-journal.log`,
      'exit 1'
    ])
  })

  it('waits for the exit it asks for (closing what had started) and shows the sentence alone without a log file', async () => {
    const events: string[] = []
    let finishExit: () => void = () => {}
    const reported = reportStartupFailure(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }), {
      logFile: () => null,
      showErrorBox: (_title, content) => events.push(content),
      exit: () =>
        new Promise<void>((resolve) => {
          events.push('exit started')
          finishExit = resolve
        })
    })
    let settled = false
    void reported.then(() => (settled = true))
    await Promise.resolve()
    assert.deepEqual(events, ['The disk holding the data directory is full. Free some space and start Voice Journal again.', 'exit started'])
    assert.equal(settled, false)
    finishExit()
    await reported
  })
})
