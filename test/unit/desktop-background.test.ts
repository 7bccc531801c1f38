import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { BackgroundNotice, backgroundNotice, DESKTOP_STATE_FILE } from '../../src/main/desktop/background-notice'
import type { DesktopNotice } from '../../src/main/desktop/notifications'
import { makeTempDir } from '../helpers/temp-dir'

function notice(dataDir: string, platform: NodeJS.Platform = 'linux') {
  const shown: DesktopNotice[] = []
  const errors: unknown[] = []
  const value = new BackgroundNotice({ platform, dataDir, notify: (n) => shown.push(n), onError: (error) => errors.push(error) })
  return { notice: value, shown, errors }
}

describe('closing the window (the app keeps running)', () => {
  it('says once, across restarts, that the app still runs and how to get the window back', async () => {
    const data = await makeTempDir()
    try {
      const first = notice(data.dir)
      await first.notice.windowClosed()
      await first.notice.windowClosed()
      assert.equal(first.shown.length, 1)
      assert.equal(first.shown[0]!.title, 'Voice Journal is still running')
      assert.deepEqual(JSON.parse(await readFile(join(data.dir, DESKTOP_STATE_FILE), 'utf8')), { backgroundNoticeShown: true })
      // The next start remembers it.
      const restarted = notice(data.dir)
      await restarted.notice.windowClosed()
      assert.equal(restarted.shown.length, 0)
      assert.deepEqual([...first.errors, ...restarted.errors], [])
    } finally {
      await data.cleanup()
    }
  })

  it('tells how to reopen it on every desktop: launching it again works even where no tray icon shows', () => {
    // GNOME without AppIndicator: new Tray() succeeds and shows nothing, so the tray cannot be the only way back.
    assert.match(backgroundNotice('linux').body, /launch Voice Journal again/)
    assert.match(backgroundNotice('linux').body, /File → Quit/)
    assert.match(backgroundNotice('win32').body, /launch Voice Journal again/)
    assert.match(backgroundNotice('win32').body, /notification area/)
    assert.match(backgroundNotice('darwin').body, /Dock/)
  })

  it('reports a state file it cannot read instead of showing the notice again and again', async () => {
    const data = await makeTempDir()
    try {
      await writeFile(join(data.dir, DESKTOP_STATE_FILE), '{ damaged')
      const { notice: value, shown, errors } = notice(data.dir)
      await value.windowClosed()
      assert.equal(shown.length, 0)
      assert.match((errors[0] as Error).message, /desktop-state\.json .* is damaged/)
    } finally {
      await data.cleanup()
    }
  })
})
