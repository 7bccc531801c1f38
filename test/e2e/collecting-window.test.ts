import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { BOTH_SCHEMES, expectAccessible } from '../helpers/axe'
import { HELLO_MP3 } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'
import { waitEntriesShown } from './pages/axe-window'
import { openPeerWindow, type WindowSession } from './pages/window-session'

// The author's window in Chromium collecting from an always-on host's private journal (a
// separate headless process) on one loopback testnet: the panel says from where and how many.
describe('collecting in the author’s window', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let author: WindowSession
  let host: { app: HeadlessApp; cleanup: () => Promise<void> } | null = null

  before(async () => {
    network = await startTestnet()
    const data = await makeTempDir()
    host = { app: await startHeadless(data.dir, ['--bootstrap', network.bootstrap]), cleanup: data.cleanup }
    await host.app.importFile(HELLO_MP3)
    author = await openPeerWindow(network.bootstrap)
  })

  after(async () => {
    await author?.close()
    await host?.app.stop()
    await host?.cleanup()
    await network?.testnet.destroy()
  })

  it('shows what the journal collects from and how many came in, and stops from the keyboard', async () => {
    const window = author.journal
    await window.waitShown(author.app.info.key)
    await author.app.call('collectFrom', { from: host!.app.info.link })
    const panel = window.byTestId('collection')
    await panel.waitFor({ timeout: 20_000 })
    assert.match((await panel.getByRole('heading').textContent()) ?? '', /Collects from Journal /)
    const count = panel.getByTestId('collection-count')
    await waitFor(async () => (await count.getAttribute('data-entries')) === '1', 'the panel counts the entry that came in', 60_000)
    assert.match((await count.textContent()) ?? '', /1 entry came in · the last a few seconds ago/)
    await waitEntriesShown(window, 1)
    await expectAccessible(author.page, 'collecting from a journal', BOTH_SCHEMES)

    const stop = panel.getByRole('button', { name: /^Stop collecting from Journal / })
    await stop.focus()
    await author.page.keyboard.press('Enter')
    await window.byTestId('collecting').waitFor({ state: 'detached' })
    assert.equal(await window.rows.count(), 1, 'what came in stays')
    assert.deepEqual(author.errors, [], 'no console errors')
  })
})
