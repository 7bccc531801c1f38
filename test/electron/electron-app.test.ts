import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { _electron as electron, type ElectronApplication, type Page } from 'playwright'
import { findElectronBinary } from '../../scripts/electron-binary.mjs'
import { LOG_FILE_NAME } from '../../src/main/app/logging'
import { DESKTOP_STATE_FILE } from '../../src/main/desktop/background-notice'
import { HELLO_MP3 } from '../helpers/fixtures'
import { makeTempDir } from '../helpers/temp-dir'
import { waitFor } from '../helpers/wait-for'
import { JournalPage } from '../e2e/pages/journal-page'

// The desktop shell itself. It needs Electron's binary, which these build machines cannot
// download; where it is missing each spec is reported as skipped with the reason, never passed.
const found = findElectronBinary()
const skip = found.binary ? false : `no Electron binary here: ${found.reason}. Set ELECTRON_OVERRIDE_DIST_PATH to run these specs.`
if (skip) console.log(`# Electron specs skipped: ${skip}`)

type TempDir = Awaited<ReturnType<typeof makeTempDir>>

function launch(dataDir: string, extraArgs: string[] = []): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: found.binary!,
    args: ['.', ...extraArgs],
    env: { ...process.env, VOICE_JOURNAL_DATA_DIR: dataDir, WEBHOOK_PORT: '0' }
  })
}

/**
 * Playwright starts Electron with --no-sandbox on Linux (Chromium's sandbox needs a setuid helper
 * or user namespaces, and refuses to run as root at all); a launch of our own must match it.
 */
const SANDBOX_ARGS = process.platform === 'linux' ? ['--no-sandbox'] : []

/**
 * A second launch on the same data directory, as the OS does for a clicked hyper:// link: it
 * must hand its arguments to the running app through the single-instance lock and exit at once.
 */
function secondLaunch(dataDir: string, args: string[]): Promise<number | null> {
  const child = spawn(found.binary!, [...SANDBOX_ARGS, '.', ...args], { env: { ...process.env, VOICE_JOURNAL_DATA_DIR: dataDir, WEBHOOK_PORT: '0' }, stdio: 'ignore' })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error('the second launch did not hand over and exit within 20 s'))
    }, 20_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve(code)
    })
  })
}

const windowCount = (app: ElectronApplication): Promise<number> => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)

async function quit(app: ElectronApplication): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => app.process().once('exit', (code) => resolve(code)))
  await app.evaluate(({ app }) => app.quit())
  return exited
}

describe('the Electron app', () => {
  let app: ElectronApplication
  let page: Page
  let data: TempDir
  /** The journal's z-base-32 key, as the window shows it. */
  let key = ''

  before(async () => {
    if (skip) return
    data = await makeTempDir()
    app = await launch(data.dir)
    page = await app.firstWindow()
  })
  after(async () => {
    if (app?.process().exitCode === null) await app.close()
    await data?.cleanup()
  })

  it('opens a sandboxed window that exposes only the contract', { skip }, async () => {
    await page.getByTestId('journal-key').waitFor()
    const exposed = await page.evaluate(() => ({
      bridge: Object.keys((window as unknown as { voiceJournal: object }).voiceJournal).sort(),
      node: typeof (window as unknown as { require?: unknown }).require
    }))
    assert.equal(exposed.node, 'undefined')
    assert.ok(exposed.bridge.includes('listEntries') && exposed.bridge.includes('audioUrl'))
    assert.ok(!exposed.bridge.includes('invoke'), 'no generic IPC on window')
  })

  it('lets its own page use the microphone, and never the camera', { skip }, async () => {
    // What getUserMedia fails with names the refusal: NotAllowedError is the permission handler
    // saying no; a machine without a microphone fails the sound request later, with NotFoundError.
    const outcome = (constraints: MediaStreamConstraints): Promise<string> =>
      page.evaluate(
        (c) =>
          navigator.mediaDevices.getUserMedia(c).then(
            (stream) => {
              stream.getTracks().forEach((track) => track.stop())
              return 'granted'
            },
            (error: DOMException) => error.name
          ),
        constraints
      )
    assert.notEqual(await outcome({ audio: true }), 'NotAllowedError')
    assert.equal(await outcome({ video: true }), 'NotAllowedError')
    assert.equal(await outcome({ audio: true, video: true }), 'NotAllowedError')
  })

  it('adds an entry, plays and seeks it through the audio scheme', { skip }, async () => {
    const journal = new JournalPage(page)
    key = (await page.getByTestId('journal-key').textContent())!.trim()
    await journal.addFiles([HELLO_MP3])
    await journal.rows.first().waitFor()
    const path = (await journal.rows.first().getAttribute('data-path'))!
    await journal.row(path).getByTestId('entry-play').click()
    await waitFor(async () => (await journal.audioTime()) > 0.2, 'playback advances', 10_000)
    const src = await page.evaluate(() => (document.getElementById('player-audio') as HTMLAudioElement).currentSrc)
    assert.ok(src.startsWith(`journal-audio://${key}/recordings/`), src)
    await journal.seekTo(3)
    await waitFor(async () => (await journal.audioTime()) >= 3, 'the seek lands', 10_000)
  })

  it('keeps running in the tray when its window is closed, and says so once', { skip }, async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().forEach((window) => window.close()))
    await waitFor(async () => (await windowCount(app)) === 0, 'the window is gone')
    // The notice saying how to reopen the window is remembered once shown.
    const state = join(data.dir, DESKTOP_STATE_FILE)
    await waitFor(() => existsSync(state), 'the running-in-the-background notice was shown')
    assert.deepEqual(JSON.parse(await readFile(state, 'utf8')), { backgroundNoticeShown: true })
    assert.equal(app.process().exitCode, null, 'the app is still running')
  })

  it('opens a hyper:// link from a second launch in the running app, in a new window', { skip }, async () => {
    assert.ok(key, 'the key was read from the window')
    const shown = app.waitForEvent('window')
    // The journal's own link is valid whatever the network: it is already in the library.
    assert.equal(await secondLaunch(data.dir, [`hyper://${key}/`]), 0)
    page = await shown
    await waitFor(async () => (await page.getByTestId('journal-key').textContent())?.trim() === key, 'the window shows the linked journal', 20_000)
  })

  it('quits cleanly', { skip }, async () => {
    assert.equal(await quit(app), 0)
  })
})

describe('the Electron app started at login', () => {
  let app: ElectronApplication
  let data: TempDir

  before(async () => {
    if (skip) return
    data = await makeTempDir()
    app = await launch(data.dir, ['--hidden'])
  })
  after(async () => {
    if (app?.process().exitCode === null) await app.close()
    await data?.cleanup()
  })

  it('starts in the tray without a window, and shows one when launched again', { skip }, async () => {
    // The app logs its start once it has decided about the window (src/main/index.ts).
    const logFile = join(data.dir, 'logs', LOG_FILE_NAME)
    await waitFor(async () => existsSync(logFile) && (await readFile(logFile, 'utf8')).includes('"msg":"started in the background"'), 'the app has started', 30_000)
    assert.equal(await windowCount(app), 0)
    const shown = app.waitForEvent('window')
    assert.equal(await secondLaunch(data.dir, []), 0)
    await (await shown).getByTestId('journal-key').waitFor()
    assert.equal(await quit(app), 0)
  })
})
