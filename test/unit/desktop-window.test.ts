import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { pathToFileURL } from 'node:url'
import type { OpenTarget } from '../../src/main/desktop/hyper-links'
import { isPermissionAllowed } from '../../src/main/desktop/permissions'
import { isTrustedPageUrl, rendererEntryUrl } from '../../src/main/desktop/renderer-page'
import { WindowPresenter, type WindowHandle } from '../../src/main/desktop/window-presenter'

/** Stands in for a BrowserWindow: records reveals and open events, loads when told. */
class FakeWindow implements WindowHandle {
  destroyed = false
  reveals = 0
  sent: OpenTarget[] = []
  private loaded: Array<() => void> = []
  isDestroyed(): boolean {
    return this.destroyed
  }
  reveal(): void {
    this.reveals++
  }
  sendOpen(target: OpenTarget): void {
    this.sent.push(target)
  }
  onceLoaded(callback: () => void): void {
    this.loaded.push(callback)
  }
  finishLoading(): void {
    for (const callback of this.loaded.splice(0)) callback()
  }
}

function presenter() {
  const windows: FakeWindow[] = []
  const value = new WindowPresenter(() => {
    const window = new FakeWindow()
    windows.push(window)
    return window
  })
  return { presenter: value, windows }
}

describe('showing the window from outside it', () => {
  it('opens a window when there is none and hands the journal over once the page has loaded', () => {
    const { presenter: show, windows } = presenter()
    show.show({ journal: 'k1' }, { announced: true })
    assert.equal(windows.length, 1)
    assert.deepEqual(windows[0]!.sent, [], 'nothing is sent to a page that is not listening yet')
    windows[0]!.finishLoading()
    assert.deepEqual(windows[0]!.sent, [{ journal: 'k1' }])
  })

  it('brings back the open window instead of making another, and sends only what was not announced', () => {
    const { presenter: show, windows } = presenter()
    show.show()
    windows[0]!.finishLoading()
    show.show({ journal: 'k1' }, { announced: true })
    show.show({ journal: 'k2', version: 3 })
    assert.equal(windows.length, 1)
    assert.equal(windows[0]!.reveals, 2)
    assert.deepEqual(windows[0]!.sent, [{ journal: 'k2', version: 3 }])
  })

  it('makes a new window after the old one was closed to the tray', () => {
    const { presenter: show, windows } = presenter()
    show.show()
    windows[0]!.destroyed = true
    show.show({ journal: 'k3' })
    assert.equal(windows.length, 2)
    windows[1]!.finishLoading()
    assert.deepEqual(windows[1]!.sent, [{ journal: 'k3' }])
  })

  it('gives a loading page only the latest journal asked for', () => {
    const { presenter: show, windows } = presenter()
    show.show({ journal: 'first' })
    show.show({ journal: 'second' }, { announced: true })
    windows[0]!.finishLoading()
    assert.deepEqual(windows[0]!.sent, [{ journal: 'second' }])
  })
})

describe('window permissions', () => {
  it("grants the app's own page the clipboard and the microphone, and nothing else; other pages nothing", () => {
    assert.equal(isPermissionAllowed('clipboard-sanitized-write', true), true)
    for (const permission of ['notifications', 'geolocation', 'openExternal', 'clipboard-read', 'fullscreen', 'display-capture']) {
      assert.equal(isPermissionAllowed(permission, true, ['audio']), false, permission)
    }
    assert.equal(isPermissionAllowed('clipboard-sanitized-write', false), false)
  })

  it('grants media for sound only, and only to its own page', () => {
    assert.equal(isPermissionAllowed('media', true, ['audio']), true)
    assert.equal(isPermissionAllowed('media', false, ['audio']), false, 'another page')
    assert.equal(isPermissionAllowed('media', true, ['video']), false, 'the camera')
    assert.equal(isPermissionAllowed('media', true, ['audio', 'video']), false, 'sound with pictures')
    assert.equal(isPermissionAllowed('media', true, ['unknown']), false)
    assert.equal(isPermissionAllowed('media', true, []), false, 'a request that does not say what it wants')
    assert.equal(isPermissionAllowed('media', true), false)
  })
})

describe('the page the window loads', () => {
  const outDir = '/opt/Voice Journal/resources/app.asar/out'
  const built = pathToFileURL('/opt/Voice Journal/resources/app.asar/out/renderer/index.html').toString()

  it('loads the dev server in a development run', () => {
    assert.equal(rendererEntryUrl({ devServerUrl: 'http://localhost:5173', packaged: false, outDir }), 'http://localhost:5173')
    assert.equal(rendererEntryUrl({ devServerUrl: undefined, packaged: false, outDir }), built)
  })

  it('ignores ELECTRON_RENDERER_URL in the installed app: only its own built page gets the bridge', () => {
    assert.equal(rendererEntryUrl({ devServerUrl: 'https://evil.example/', packaged: true, outDir }), built)
    // IPC trusts only that page.
    assert.equal(isTrustedPageUrl(built, built), true)
    assert.equal(isTrustedPageUrl('https://evil.example/', built), false)
    assert.equal(isTrustedPageUrl(pathToFileURL('/tmp/index.html').toString(), built), false)
    assert.equal(isTrustedPageUrl('not a url', built), false)
  })
})
