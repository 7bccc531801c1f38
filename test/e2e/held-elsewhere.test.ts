import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import type { LibraryItem } from '#shared/dto'
import { HELLO_MP3 } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { openPeerWindow, type WindowSession } from './pages/window-session'

// The author's window in Chromium, and an always-on host (`serve --seed <key>`, a separate
// process) on one private loopback testnet: the window says when someone else holds it all.
describe('"held by" in the author’s window', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let author: WindowSession
  let seeder: { app: HeadlessApp; cleanup: () => Promise<void> } | null = null

  before(async () => {
    network = await startTestnet()
    author = await openPeerWindow(network.bootstrap, { prepare: async (app) => void (await app.importFile(HELLO_MP3)) })
  })

  after(async () => {
    await seeder?.app.stop()
    await seeder?.cleanup()
    await author?.close()
    await network?.testnet.destroy()
  })

  it('goes from "Only on this computer" to "Safe on 1 other device" once a seeder holds every block', async () => {
    const key = author.app.info.key
    const window = author.journal
    await window.waitShown(key)
    const header = window.byTestId('held-elsewhere')
    const row = window.libraryItem(key).getByTestId('library-item-seeding')
    assert.equal((await header.textContent())?.trim(), 'Only on this computer')
    assert.equal((await row.textContent())?.trim(), 'Only on this computer')

    // The journal's own link: for a private journal it carries the read key the seeder needs.
    const { link } = (await author.app.call<LibraryItem[]>('listLibrary')).find((item) => item.key === key)!
    const data = await makeTempDir()
    seeder = { app: await startHeadless(data.dir, ['--bootstrap', network.bootstrap, '--seed', link]), cleanup: data.cleanup }
    await waitFor(async () => (await header.getAttribute('data-peers')) === '1', 'the header counts the seeder', 60_000)
    assert.match((await header.textContent()) ?? '', /^\s*Safe on 1 other device · last change copied a few seconds ago\s*$/)
    assert.match((await row.textContent()) ?? '', /Safe on 1 other device/)
    const seeded = (await seeder.app.call<LibraryItem[]>('listLibrary')).find((item) => item.key === key)
    assert.equal(seeded?.seeding.complete, true, 'counted only once the seeder holds it all')
    assert.deepEqual(author.errors, [], 'no console errors')
  })
})
