import { strict as assert } from 'node:assert'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { readBackupFile } from '../../src/main/identity/backup-file'
import { restoreDataDir } from '../../src/main/identity/restore'
import { HELLO_MP3 } from '../helpers/fixtures'
import { makeTempDir } from '../helpers/temp-dir'
import { startHeadless } from '../helpers/headless-process'
import { openAppWindow, openWindowSession } from './pages/window-session'

// Settings → Back up my journals in the real window (the headless host writes the file into its
// data directory and shows where), then that backup restored into a new data directory: its
// window says the journal is catching up, writes are refused, and "This is the latest copy"
// (after its warning) lets it write.

const PASSPHRASE = 'window passphrase'

describe('backing up and restoring in the window', () => {
  it('backs up from Settings; the restored app shows "catching up", refuses imports, and writes after "This is the latest copy"', async () => {
    const session = await openWindowSession()
    const restoredData = await makeTempDir('restored-window-')
    try {
      const { page, app } = session
      await page.getByTestId('nav-settings').click()
      const card = page.getByTestId('backup-settings')
      await card.getByTestId('backup-passphrase').fill(PASSPHRASE)
      await card.getByTestId('backup-passphrase-again').fill(`${PASSPHRASE}!`)
      assert.match((await card.getByTestId('backup-error').textContent()) ?? '', /differ/)
      assert.equal(await card.getByTestId('back-up').isDisabled(), true)
      await card.getByTestId('backup-passphrase-again').fill(PASSPHRASE)
      await card.getByTestId('back-up').click()
      const file = (await card.getByTestId('backup-file').textContent())!
      assert.equal(dirname(file), join(app.info.dataDir, 'backups'))
      assert.deepEqual(session.errors, [])

      const dir = join(restoredData.dir, 'data')
      await restoreDataDir(dir, await readBackupFile(file, PASSPHRASE))
      // The original is gone; on a network of its own, the restored host finds no peer of its journal.
      await session.app.stop()
      const restored = await startHeadless(dir, ['--bootstrap', '127.0.0.1:1'])
      try {
        assert.equal(restored.info.key, app.info.key, 'the same journal')
        const window = await openAppWindow(session.browser, restored)
        try {
          const banner = window.page.getByTestId('catching-up')
          await banner.waitFor()
          assert.match((await banner.textContent()) ?? '', /Catching up with peers… writes wait until then/)
          await assert.rejects(restored.importFile(HELLO_MP3), /restored from a backup and is catching up/)

          await banner.getByTestId('latest-copy').click()
          const dialog = window.page.getByTestId('latest-copy-dialog')
          assert.match((await dialog.textContent()) ?? '', /forks its history/)
          await dialog.getByTestId('confirm-latest-copy').click()
          await banner.waitFor({ state: 'detached' })
          const entry = await restored.importFile(HELLO_MP3)
          assert.equal(entry.source, 'import')
          assert.deepEqual(window.errors, [])
        } finally {
          await window.close()
        }
      } finally {
        await restored.stop()
      }
    } finally {
      await session.close()
      await restoredData.cleanup()
    }
  })
})
