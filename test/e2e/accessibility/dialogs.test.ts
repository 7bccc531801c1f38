import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { LibraryItem } from '#shared/dto'
import { expectAccessible } from '../../helpers/axe'
import { HELLO_MP3 } from '../../helpers/fixtures'
import type { HeadlessApp } from '../../helpers/headless-process'
import { sharedTestnet, waitEntriesShown, withWindow } from '../pages/axe-window'

// axe-core (WCAG 2 A/AA and best practice) over the window's dialogs, open over the journal: New
// journal, Fork (with a version out of range), the delete confirmation, and both Remove questions
// for a journal I write. Both colour schemes.
describe('accessibility: the dialogs', () => {
  const bootstrap = sharedTestnet()

  it('New journal and Fork', async () => {
    await withWindow(bootstrap(), { prepare: (app) => app.importFile(HELLO_MP3).then(() => {}) }, async ({ page, journal }) => {
      await waitEntriesShown(journal, 1)
      await journal.byTestId('library-new-journal').click()
      await journal.byTestId('new-journal-name').fill('Travel notes')
      await expectAccessible(page, 'the New journal dialog')
      await page.keyboard.press('Escape')
      await journal.byTestId('new-journal-dialog').waitFor({ state: 'detached' })

      await journal.byTestId('journal-fork').click()
      await journal.byTestId('fork-dialog').waitFor()
      await journal.byTestId('fork-from-version').check()
      await journal.byTestId('fork-version-input').fill('99')
      await expectAccessible(page, 'the Fork dialog with a version out of range')
    })
  })

  it('deleting an entry, and removing a journal I write (both questions)', async () => {
    const prepare = async (app: HeadlessApp): Promise<void> => {
      await app.importFile(HELLO_MP3)
      await app.call<LibraryItem>('createJournal', { name: 'Scratch' })
    }
    await withWindow(bootstrap(), { prepare }, async ({ page, journal, app }) => {
      await waitEntriesShown(journal, 1)
      await journal.rows.first().click()
      await journal.rows.first().getByTestId('entry-delete').click()
      await journal.byTestId('confirm-delete').waitFor()
      await expectAccessible(page, 'the delete confirmation')
      await journal.byTestId('cancel-delete').click()
      await journal.byTestId('confirm-delete').waitFor({ state: 'detached' })

      const scratch = (await app.call<LibraryItem[]>('listLibrary')).find((item) => item.name === 'Scratch')
      assert.ok(scratch, 'the second journal is in the library')
      await journal.selectJournal(scratch.key)
      await journal.byTestId('journal-remove').click()
      await journal.byTestId('confirm-remove').waitFor()
      await expectAccessible(page, 'the Remove question')
      await journal.byTestId('confirm-remove').click()
      await journal.byTestId('remove-writable-warning').waitFor()
      await expectAccessible(page, 'the second Remove question, for a journal I write')
    })
  })
})
