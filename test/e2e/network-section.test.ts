import { strict as assert } from 'node:assert'
import { statSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { LibraryItem, NetworkStatus } from '#shared/dto'
import { BOTH_SCHEMES, expectAccessible } from '../helpers/axe'
import { HELLO_MP3 } from '../helpers/fixtures'
import { waitFor } from '../helpers/wait-for'
import { authorWithSeeder } from './pages/author-with-seeder'

// The author's window and a host seeding its journal (`serve --seed <link>`, a separate process)
// on one loopback testnet: Settings → Network shows what that network gives, read from the card's
// own text and checked against what each app's `getNetwork` says.
describe('Settings → Network', () => {
  const suite = authorWithSeeder()

  it('shows the DHT reached, this computer open at 127.0.0.1, and the seeder’s direct connection with its bytes', async () => {
    const author = suite.author()
    const { app, page } = author
    const key = app.info.key
    const { link, name } = (await app.call<LibraryItem[]>('listLibrary')).find((item) => item.key === key)!
    const seeder = await suite.startSeeder(link)
    await waitFor(async () => (await seeder.call<LibraryItem[]>('listLibrary')).some((item) => item.key === key && item.seeding.complete), 'the seeder holds the journal', 60_000)

    await page.getByTestId('nav-settings').click()
    const card = page.getByTestId('network-settings')
    const row = card.locator(`[data-testid="network-journal"][data-key="${key}"] [data-testid="network-connection"]`)
    await row.waitFor({ timeout: 20_000 })

    const mine = await app.call<NetworkStatus>('getNetwork')
    const theirs = await seeder.call<NetworkStatus>('getNetwork')
    const text = async (id: string): Promise<string> => ((await card.getByTestId(id).textContent()) ?? '').trim()
    assert.equal(await text('network-dht'), 'Reachable')
    assert.equal(await text('network-reachability'), 'Yes: not firewalled')
    assert.equal(await text('network-address'), `127.0.0.1:${mine.address!.port}`)
    assert.equal(await text('network-connections'), '1')
    assert.equal(await text('network-diagnosis'), 'Others can reach you directly.')
    const heading = ((await card.locator(`[data-testid="network-journal"][data-key="${key}"] h4`).textContent()) ?? '').replace(/\s+/g, ' ').trim()
    assert.equal(heading, `${name} 1 connection`)
    // The seeder at the address its own DHT reading says peers see, reached directly.
    assert.equal(((await row.getByTestId('network-connection-address').textContent()) ?? '').trim(), `127.0.0.1:${theirs.address!.port}`)
    assert.equal(((await row.getByTestId('network-connection-how').textContent()) ?? '').trim(), 'Direct')
    // The journal went to the seeder: more than the MP3's bytes left this computer.
    const sent = Number(await row.getByTestId('network-connection-sent').getAttribute('data-bytes'))
    assert.ok(sent > statSync(HELLO_MP3).size, `bytes sent shown: ${sent}`)
    assert.ok(Number(await row.getByTestId('network-connection-received').getAttribute('data-bytes')) > 0)
    assert.deepEqual(author.errors, [], 'no console errors')

    await expectAccessible(page, 'Settings with the Network section and a connection', BOTH_SCHEMES)
  })
})
