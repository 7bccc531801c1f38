import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import type { JournalStatus, LibraryItem } from '#shared/dto'
import { BOTH_SCHEMES_NARROW, expectAccessible, NARROW } from '../../helpers/axe'
import { HELLO_MP3, HELLO_WAV } from '../../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../../helpers/headless-process'
import { makeTempDir } from '../../helpers/temp-dir'
import { sharedTestnet, waitEntriesShown, withWindow } from '../pages/axe-window'

// axe-core (WCAG 2 A/AA and best practice) over the library and read-only journals: my journal, a
// fork of it and someone else's (seeded), a refused key, a journal nobody serves yet, the library
// over a narrow window, and an older version compared with the latest. Both colour schemes. Someone else's journal comes from a
// second app on the same testnet.
describe('accessibility: the library and read-only journals', () => {
  const bootstrap = sharedTestnet()

  it('my journal, a fork of it and a followed journal, seeded; a refused key; one nobody serves; the narrow library', async () => {
    const data = await makeTempDir()
    const peer = await startHeadless(data.dir, ['--bootstrap', bootstrap()])
    try {
      await peer.importFile(HELLO_MP3)
      const prepare = async (app: HeadlessApp): Promise<void> => {
        await app.importFile(HELLO_WAV)
        await app.call<LibraryItem>('forkJournal', { journal: app.info.key, name: 'Harbour fork' })
      }
      await withWindow(bootstrap(), { prepare }, async ({ page, journal, app }) => {
        await waitEntriesShown(journal, 1)
        // Its journal is private: followed by its link, which carries the read key.
        await journal.addJournal(peer.info.link)
        await journal.waitShown(peer.info.key)
        await waitEntriesShown(journal, 1)
        await journal.byTestId('journal-readonly').waitFor()
        await journal.toggleSeeding()
        await journal.waitSeedingComplete()
        await expectAccessible(page, 'a followed journal, read-only and seeded')

        const fork = (await app.call<LibraryItem[]>('listLibrary')).find((item) => item.kind === 'fork')
        assert.ok(fork, 'the fork is in the library')
        await journal.selectJournal(fork.key)
        await journal.provenance()
        await journal.addJournal('hyper://not-a-key/')
        await journal.expectAddError()
        await expectAccessible(page, 'a fork with where it came from, and the library refusing a key')

        const unserved = randomBytes(32).toString('hex')
        await journal.addJournal(unserved)
        await journal.byTestId('library-item-looking').waitFor()
        await journal.byTestId('empty-entries').waitFor()
        await expectAccessible(page, 'a followed journal nobody serves yet')

        // A narrow window hides the library, and slides it over the journal when asked.
        await page.setViewportSize(NARROW)
        await page.locator('#library-toggle[aria-expanded="false"]').waitFor()
        await journal.byTestId('library-toggle').click()
        await journal.byTestId('library-panel').waitFor()
        await expectAccessible(page, 'the library over a narrow window', BOTH_SCHEMES_NARROW)
      })
    } finally {
      await peer.stop()
      await data.cleanup()
    }
  })

  it('an older version, read-only, compared with the latest', async () => {
    let versionBeforeDelete = 0
    const prepare = async (app: HeadlessApp): Promise<void> => {
      await app.importFile(HELLO_MP3)
      const wav = await app.importFile(HELLO_WAV)
      versionBeforeDelete = (await app.call<JournalStatus>('getStatus')).version
      await app.call('deleteEntry', { path: wav.path })
    }
    await withWindow(bootstrap(), { prepare }, async ({ page, journal }) => {
      await waitEntriesShown(journal, 1)
      await journal.historyRow(versionBeforeDelete).waitFor()
      await journal.openVersion(versionBeforeDelete)
      await waitEntriesShown(journal, 2)
      await journal.byTestId('journal-readonly').waitFor()
      await journal.compareWithLatest()
      await expectAccessible(page, 'an older version compared with the latest')
    })
  })
})
