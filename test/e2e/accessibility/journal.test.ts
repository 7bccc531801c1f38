import { describe, it } from 'node:test'
import type { EntryDto } from '#shared/dto'
import { EVERY_LAYOUT, expectAccessible } from '../../helpers/axe'
import { HELLO_MP3, HELLO_WAV } from '../../helpers/fixtures'
import type { HeadlessApp } from '../../helpers/headless-process'
import { waitFor } from '../../helpers/wait-for'
import { sharedTestnet, waitEntriesShown, withWindow } from '../pages/axe-window'

// axe-core (WCAG 2 A/AA and best practice) over the journal view, in Debian's Chromium against the
// built headless host: empty, with entries and their history while one plays, and while an entry
// is renamed beside a refused import. Both colour schemes; the view itself wide and narrow too.
describe('accessibility: the journal view', () => {
  const bootstrap = sharedTestnet()

  it('an empty journal', async () => {
    await withWindow(bootstrap(), {}, async ({ page, journal }) => {
      await journal.byTestId('empty-entries').waitFor()
      await page.locator('[data-testid="status-version"]', { hasText: '1' }).waitFor()
      await journal.byTestId('simulate-call').waitFor()
      await journal.byTestId('history-list').waitFor()
      await expectAccessible(page, 'an empty journal', EVERY_LAYOUT)
    })
  })

  it('entries and their history, one of them playing in the player bar', async () => {
    const prepare = async (app: HeadlessApp): Promise<void> => {
      await app.importFile(HELLO_MP3)
      await app.importFile(HELLO_WAV)
    }
    await withWindow(bootstrap(), { prepare }, async ({ page, journal, app }) => {
      await waitEntriesShown(journal, 2)
      await waitFor(async () => (await journal.historyRows().count()) === 2, 'two history rows')
      const [newest] = await app.call<EntryDto[]>('listEntries')
      await journal.play(newest!.path)
      await waitFor(async () => (await journal.audioTime()) > 0.2, 'playback advances', 10_000)
      // The clip lasts five seconds: the first layout is checked while it plays, later ones may find it played.
      await expectAccessible(page, 'entries, one playing', EVERY_LAYOUT)
    })
  })

  it('an entry being renamed, beside a refused import', async () => {
    await withWindow(bootstrap(), { prepare: (app) => app.importFile(HELLO_MP3).then(() => {}) }, async ({ page, journal }) => {
      await waitEntriesShown(journal, 1)
      await journal.byTestId('import-input').setInputFiles({ name: 'notes.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('not audio at all '.repeat(100)) })
      await journal.byTestId('import-error').waitFor()
      await journal.rows.first().click()
      await page.keyboard.press('F2')
      await journal.byTestId('rename-input').waitFor()
      await expectAccessible(page, 'an entry being renamed, beside a refused import')
    })
  })
})
