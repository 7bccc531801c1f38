import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { LibraryItem } from '#shared/dto'
import { waitFor } from '../helpers/wait-for'
import { authorWithSeeder } from './pages/author-with-seeder'

// The author's window in Chromium, and an always-on host (`serve --seed <key>`, a separate
// process) on one private loopback testnet: the window says when someone else holds it all.
describe('"held by" in the author’s window', () => {
  const suite = authorWithSeeder()

  it('goes from "Only on this computer" to "Safe on 1 other device" once a seeder holds every block', async () => {
    const author = suite.author()
    const key = author.app.info.key
    const window = author.journal
    await window.waitShown(key)
    const header = window.byTestId('held-elsewhere')
    const row = window.libraryItem(key).getByTestId('library-item-seeding')
    assert.equal((await header.textContent())?.trim(), 'Only on this computer')
    assert.equal((await row.textContent())?.trim(), 'Only on this computer')

    // The journal's own link: for a private journal it carries the read key the seeder needs.
    const { link } = (await author.app.call<LibraryItem[]>('listLibrary')).find((item) => item.key === key)!
    const seeder = await suite.startSeeder(link)
    await waitFor(async () => (await header.getAttribute('data-peers')) === '1', 'the header counts the seeder', 60_000)
    assert.match((await header.textContent()) ?? '', /^\s*Safe on 1 other device · last change copied a few seconds ago\s*$/)
    assert.match((await row.textContent()) ?? '', /Safe on 1 other device/)
    const seeded = (await seeder.call<LibraryItem[]>('listLibrary')).find((item) => item.key === key)
    assert.equal(seeded?.seeding.complete, true, 'counted only once the seeder holds it all')
    assert.deepEqual(author.errors, [], 'no console errors')
  })
})
