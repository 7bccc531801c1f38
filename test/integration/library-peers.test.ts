import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import type { LibraryItem } from '#shared/dto'
import { AppServices } from '../../src/main/app/app-services'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import { startAuthorPeer, type AuthorPeer } from '../helpers/author-peer'
import { startHeadless } from '../helpers/headless-process'
import { readAll } from '../helpers/streams'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'

async function audioOf(services: AppServices, journal: string, path: string, version?: number): Promise<Buffer> {
  const audio = await services.library.journal(journal).openAudio(path, version)
  try {
    return await readAll(audio.read())
  } finally {
    await audio.close()
  }
}

// The thin top layer over the real network: peers in separate data directories (A as the built
// headless app in its own process) find each other through a loopback DHT. What the library does
// with a peer's journal (versions, announcements, forks, removal, restarts) is covered in process,
// over piped Corestores, by test/unit/library-replication.test.ts.
describe('library over the DHT: follow, seed and serve across peers', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  /** Only read by the tests: nobody writes to it or stops it. */
  let sharedA: AuthorPeer
  const cleanups: Array<() => Promise<void>> = []

  before(async () => {
    network = await startTestnet()
    sharedA = await startAuthorPeer(network.bootstrap)
    cleanups.push(sharedA.stop)
  })

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
    await network?.testnet.destroy()
  })

  async function bootPeer(): Promise<AppServices> {
    const dir = await makeTempDir()
    const services = await AppServices.boot({ dataDir: dir.dir, bootstrap: parseBootstrap(network.bootstrap) })
    cleanups.push(async () => {
      await services.shutdown()
      await dir.cleanup()
    })
    return services
  }

  it('follows A by its hyper:// link with a version: the entries, and one deleted since, arrive byte-identical', async () => {
    const a = sharedA
    const b = await bootPeer()
    const added = await b.api.addToLibrary({ link: `hyper://${a.key}+${a.versionBeforeDelete}/` })
    assert.deepEqual([added.item.key, added.item.writable, added.version], [a.key, false, a.versionBeforeDelete])
    await waitFor(async () => (await b.api.listEntries({ journal: a.key })).length === 2, 'B lists A’s two entries', 20_000)
    assert.deepEqual((await b.api.listEntries({ journal: a.key })).map((e) => e.path).sort(), a.kept.map((e) => e.path).sort())
    for (const entry of a.kept) assert.ok((await audioOf(b, a.key, entry.path)).equals(a.original.get(entry.path)!), entry.path)
    assert.ok((await audioOf(b, a.key, a.deleted.path, a.versionBeforeDelete)).equals(a.original.get(a.deleted.path)!))
  })

  it('seeds A fully, and serves C every entry, byte-identical, from B alone once A is offline', async () => {
    // A journal of this test's own: its writer goes offline here.
    const a = await startAuthorPeer(network.bootstrap)
    cleanups.push(a.stop)
    const b = await bootPeer()
    await b.api.addToLibrary({ link: a.key })
    // Seeding at once, before anything is listed: the audio core's length is not known yet.
    await b.api.setSeeding({ journal: a.key, state: 'seeding' })
    let item: LibraryItem | undefined
    await waitFor(
      async () => {
        item = (await b.api.listLibrary()).find((i) => i.key === a.key)
        return item?.seeding.complete === true
      },
      'B holds all of A',
      30_000
    )
    assert.equal(item!.seeding.bytesDownloaded, item!.seeding.bytesTotal)

    assert.equal(await a.app.stop(), 0)
    const c = await bootPeer()
    await c.api.addToLibrary({ link: a.key })
    await waitFor(async () => (await c.api.listEntries({ journal: a.key })).length === 2, 'C lists A’s entries', 30_000)
    for (const entry of a.kept) assert.ok((await audioOf(c, a.key, entry.path)).equals(a.original.get(entry.path)!), entry.path)
    // History too: B seeded the deleted entry's blocks.
    assert.ok((await audioOf(c, a.key, a.deleted.path, a.versionBeforeDelete)).equals(a.original.get(a.deleted.path)!))
  })

  it('follows and seeds a journal given with --seed on the headless command line', async () => {
    const a = sharedA
    const d = await makeTempDir()
    cleanups.push(d.cleanup)
    const peerD = await startHeadless(d.dir, ['--bootstrap', network.bootstrap, '--seed', `hyper://${a.key}/`])
    try {
      const followed = async (): Promise<LibraryItem | undefined> => (await peerD.call<LibraryItem[]>('listLibrary')).find((i) => i.key === a.key)
      assert.equal((await followed())?.seeding.state, 'seeding')
      await waitFor(async () => (await followed())?.seeding.complete === true, 'D holds all of A', 30_000)
      for (const entry of a.kept) assert.ok((await peerD.audio(entry.path, undefined, a.key)).equals(a.original.get(entry.path)!))
    } finally {
      await peerD.stop()
    }
  })
})
