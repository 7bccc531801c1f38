import { strict as assert } from 'node:assert'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, afterEach, before, describe, it } from 'node:test'
import type { Browser } from 'playwright'
import wavefile from 'wavefile'
import type { EntryDto, LibraryItem } from '#shared/dto'
import { expectAccessible } from '../helpers/axe'
import { fakeMicrophoneArgs, launchChromium } from '../helpers/browser'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { RecorderPanel } from './pages/recorder-panel'
import { openAppWindow, openPeerWindow, type AppWindow, type WindowSession } from './pages/window-session'

/** A recording the window stopped sending is kept after this long (the default is 20 s; shorter than 5 s, a busy page running axe can miss it). */
const IDLE_MS = 5000

/**
 * What the fake microphone says: 20 s of a 440 Hz tone whose loudness swells and fades twice a
 * second, so the level meter has something to follow. 16-bit PCM, as Chromium's fake capture wants.
 */
async function writeMicrophoneWav(file: string): Promise<void> {
  const rate = 48_000
  const samples = new Int16Array(rate * 20)
  for (let i = 0; i < samples.length; i++) {
    const t = i / rate
    const envelope = 0.15 + 0.85 * Math.abs(Math.sin(2 * Math.PI * 1 * t))
    samples[i] = Math.round(12_000 * envelope * Math.sin(2 * Math.PI * 440 * t))
  }
  const wav = new wavefile.WaveFile()
  wav.fromScratch(1, rate, '16', samples)
  await writeFile(file, wav.toBuffer())
}

// The real renderer in Debian's Chromium with a fake microphone, against the built headless host.
describe('recording an entry at the desk, in Chromium', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>
  let network: Awaited<ReturnType<typeof startTestnet>>
  let browser: Browser
  let session: WindowSession
  const windows: AppWindow[] = []

  before(async () => {
    temp = await makeTempDir()
    const wav = join(temp.dir, 'microphone.wav')
    await writeMicrophoneWav(wav)
    network = await startTestnet()
    browser = await launchChromium({ args: fakeMicrophoneArgs(wav) })
    session = await openPeerWindow(network.bootstrap, { browser, env: { VOICE_JOURNAL_RECORDING_IDLE_MS: String(IDLE_MS) } })
  })
  after(async () => {
    await session?.close()
    await browser?.close()
    await network?.testnet.destroy()
    await temp?.cleanup()
  })
  afterEach(async () => {
    for (const window of windows.splice(0)) await window.close()
  })

  /** A new empty journal, made active (recordings go there), and a window on it with the recorder open. */
  async function recorderOnNewJournal(): Promise<{ key: string; window: AppWindow; recorder: RecorderPanel }> {
    const { key } = await session.app.call<LibraryItem>('createJournal', { name: 'Desk journal' })
    await session.app.call('setActiveJournal', { journal: key })
    const window = await openAppWindow(browser, session.app)
    windows.push(window)
    await window.journal.waitShown(key)
    const recorder = new RecorderPanel(window.page)
    await recorder.open()
    return { key, window, recorder }
  }

  const entriesOf = (key: string): Promise<EntryDto[]> => session.app.call<EntryDto[]>('listEntries', { journal: key })
  const inProgress = (): Promise<string[]> => readdir(join(session.app.info.dataDir, 'recordings-in-progress'))

  it('record 5 s, pause 2 s, record 3 s, stop: one entry that decodes and lasts 8 s', async () => {
    const { key, window, recorder } = await recorderOnNewJournal()
    const { page, journal } = window
    await recorder.start()
    // The times are the point of the test. They are kept by the page itself (its recorder's clock,
    // then its own clock for the pause), since a busy machine can take a second to carry each
    // step of a test across to the browser.
    const steps = await recorder.recordPauseRecord({ recordMs: 5000, pauseMs: 2000, thenMs: 3000 })
    assert.equal(steps.elapsedAfterPause, steps.elapsedAtPause, 'the time recorded stands still while paused')
    await recorder.waitSaved()

    const entries = await entriesOf(key)
    assert.equal(entries.length, 1)
    const [entry] = entries as [EntryDto]
    assert.equal(entry.source, 'microphone')
    assert.equal(entry.format, 'webm')
    assert.equal(entry.partial, undefined)
    assert.ok(Math.abs(entry.durationMs - 8000) <= 500, `the entry lasts 8 s ± 0.5 s, not ${entry.durationMs} ms`)

    // It decodes, and a player knows its length before playing it to the end.
    const bytes = await session.app.audio(entry.path, undefined, key)
    const decodedSeconds = await page.evaluate(async (base64) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
      const decoded = await new OfflineAudioContext(1, 48_000, 48_000).decodeAudioData(data.buffer)
      return decoded.duration
    }, bytes.toString('base64'))
    assert.ok(Math.abs(decodedSeconds - 8) <= 0.5, `decodes to 8 s ± 0.5 s, not ${decodedSeconds} s`)
    await journal.row(entry.path).waitFor()
    assert.equal(await journal.row(entry.path).getByTestId('entry-cut-short').count(), 0, 'a whole recording is not marked cut short')
    await journal.row(entry.path).getByTestId('entry-play').click()
    const playerSeconds = await page.waitForFunction(() => {
      const audio = document.querySelector('audio')
      return audio && Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : null
    })
    assert.ok(Math.abs((await playerSeconds.jsonValue())! - 8) <= 0.5, 'the player shows its length at once')
    assert.deepEqual(await inProgress(), [], 'nothing is left in progress')
    assert.deepEqual(window.errors, [], 'no console errors')
  })

  it('the level meter follows the microphone while recording', async () => {
    const { window, recorder } = await recorderOnNewJournal()
    assert.equal(await recorder.level(), 0, 'nothing is measured before recording')
    await recorder.start()
    const seen = new Set<number>()
    await waitFor(
      async () => {
        seen.add(await recorder.level())
        return [...seen].filter((level) => level > 0).length >= 3
      },
      'the meter shows three different levels'
    )
    await recorder.stop()
    assert.deepEqual(window.errors, [], 'no console errors')
  })

  it('cancel asks once something was said, then throws the recording away', async () => {
    const { key, window, recorder } = await recorderOnNewJournal()
    await recorder.start()
    await recorder.waitElapsed(3500)
    await recorder.byTestId('recorder-cancel').click()
    await recorder.byTestId('recorder-keep').waitFor()
    assert.equal(await recorder.state(), 'recording', 'asking does not stop the recording')
    await recorder.byTestId('recorder-discard').click()
    await recorder.dialog.waitFor({ state: 'detached' })
    await waitFor(async () => (await inProgress()).length === 0, 'the recording is gone from the services')
    assert.deepEqual(await entriesOf(key), [])
    assert.deepEqual(window.errors, [], 'no console errors')
  })

  it('closing the window mid-recording leaves a partial entry of what was recorded', async () => {
    const { key, window, recorder } = await recorderOnNewJournal()
    await recorder.start()
    await recorder.waitElapsed(3000)
    await window.page.close()
    await waitFor(async () => (await entriesOf(key)).length === 1, 'the abandoned recording is kept', IDLE_MS + 15_000)
    const [entry] = (await entriesOf(key)) as [EntryDto]
    assert.equal(entry.partial, true)
    assert.equal(entry.source, 'microphone')
    // Up to the last piece sent (a second each) and whatever the page recorded before it closed.
    assert.ok(entry.durationMs >= 1500 && entry.durationMs <= 4500, `lasts about 3 s, not ${entry.durationMs} ms`)
    const bytes = await session.app.audio(entry.path, undefined, key)
    assert.ok(bytes.length > 0)
    // The list says so: a window opened now marks the entry as cut short.
    const reopened = await openAppWindow(browser, session.app)
    windows.push(reopened)
    await reopened.journal.waitShown(key)
    const badge = reopened.journal.row(entry.path).getByTestId('entry-cut-short')
    await badge.waitFor({ timeout: 20_000 })
    assert.equal((await badge.textContent())?.trim(), 'Cut short')
  })

  it('works from the keyboard alone: open, start, pause, resume, stop', async () => {
    const { key } = await session.app.call<LibraryItem>('createJournal', { name: 'Keyboard journal' })
    await session.app.call('setActiveJournal', { journal: key })
    const window = await openAppWindow(browser, session.app)
    windows.push(window)
    await window.journal.waitShown(key)
    const { page } = window
    const recorder = new RecorderPanel(page)
    const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)
    await recorder.byTestId('record-button').focus()
    await page.keyboard.press('Enter')
    await recorder.dialog.waitFor()
    await waitFor(async () => (await focused()) === 'recorder-start', 'Start has the focus')
    await page.keyboard.press('Enter')
    await waitFor(async () => (await focused()) === 'recorder-pause', 'Pause has the focus once recording')
    await page.keyboard.press('Space')
    await waitFor(async () => (await focused()) === 'recorder-resume', 'Resume has the focus once paused')
    await page.keyboard.press('Enter')
    await waitFor(async () => (await focused()) === 'recorder-pause', 'Pause has the focus again')
    await recorder.waitElapsed(1500)
    await page.keyboard.press('Tab')
    assert.equal(await focused(), 'recorder-stop')
    await page.keyboard.press('Enter')
    await recorder.waitSaved()
    await waitFor(async () => (await focused()) === 'record-button', 'focus is back on Record')
    assert.equal((await entriesOf(key)).length, 1)
    assert.deepEqual(window.errors, [], 'no console errors')
  })

  it('a refused microphone says so and how to allow it', async () => {
    const { key } = await session.app.call<LibraryItem>('createJournal', { name: 'Refused journal' })
    await session.app.call('setActiveJournal', { journal: key })
    // The fake microphone is always allowed; this window's browser refuses it as a person clicking "Block" would.
    const context = await browser.newContext()
    await context.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
    })
    try {
      const page = await context.newPage()
      await page.goto(session.app.info.uiUrl)
      const recorder = new RecorderPanel(page)
      await recorder.open()
      await recorder.byTestId('recorder-start').click()
      await recorder.byTestId('recorder-error').waitFor()
      assert.match((await recorder.byTestId('recorder-error').textContent()) ?? '', /not allowed for this window\. Allow it in the site settings/)
      assert.equal(await recorder.state(), 'ready', 'nothing started')
      assert.deepEqual(await inProgress(), [])
    } finally {
      await context.close()
    }
  })

  it('the recorder panel passes axe: ready, recording, and asking before a cancel', async () => {
    const { window, recorder } = await recorderOnNewJournal()
    await expectAccessible(window.page, 'the recorder, ready')
    await recorder.start()
    await recorder.waitElapsed(3500)
    await expectAccessible(window.page, 'the recorder, recording')
    await recorder.byTestId('recorder-cancel').click()
    await recorder.byTestId('recorder-discard').waitFor()
    await expectAccessible(window.page, 'the recorder, asking before a cancel')
    await recorder.byTestId('recorder-discard').click()
    await recorder.dialog.waitFor({ state: 'detached' })
  })
})
