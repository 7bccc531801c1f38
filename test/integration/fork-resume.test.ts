import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import MirrorDrive from 'mirror-drive'
import type { EntryDto } from '#shared/dto'
import { AppServices } from '../../src/main/app/app-services'
import { JournalStore } from '../../src/main/journal/journal-store'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'


// A fork is saved in the library before its copy starts; a copy cut short (the app killed or
// quit mid-fork) is finished at the next start. The on-disk state a crash leaves is built here
// by hand: the library record with its pending fork, and a target holding part of the entries.
describe('a fork interrupted mid-copy', () => {
  const cleanups: Array<() => Promise<void>> = []
  let network: Awaited<ReturnType<typeof startTestnet>>
  after(async () => {
    await network?.testnet.destroy()
    for (const cleanup of cleanups) await cleanup()
  })

  it('is finished at the next start, with every entry and its provenance', async () => {
    network = await startTestnet()
    const bootstrap = parseBootstrap(network.bootstrap)
    const { dir, cleanup } = await makeTempDir()
    cleanups.push(cleanup)
    const store = await JournalStore.open(dir)
    const own = await store.openOwn()
    for (const file of [HELLO_MP3, HELLO_WAV, HELLO_MP3]) await own.addAudioFile(file, { source: 'import' })
    const version = own.drive.version
    const expected = await own.listEntries()
    const fork = await store.openOwn('fork-interrupted')
    // The copy got as far as the first entry before the app stopped.
    await new MirrorDrive(own.drive, fork.drive, { prefix: expected[0]!.path, prune: false }).done()
    assert.equal((await fork.listEntries()).length, 1)
    const forkKey = fork.id
    await store.close()

    const libraryFile = join(dir, 'library.json')
    const services = await AppServices.boot({ dataDir: dir, bootstrap })
    await services.shutdown()
    const saved = JSON.parse(await readFile(libraryFile, 'utf8')) as { journals: object[] }
    saved.journals.push({
      key: forkKey,
      kind: 'fork',
      name: 'Half copied',
      namespace: 'fork-interrupted',
      seeding: 'off',
      addedAt: Date.now(),
      pendingFork: { from: own.id, version }
    })
    await writeFile(libraryFile, JSON.stringify(saved))

    const restarted = await AppServices.boot({ dataDir: dir, bootstrap })
    try {
      await waitFor(async () => (await restarted.api.getJournal({ journal: forkKey })).provenance !== null, 'the fork is finished', 20_000)
      const strip = (entries: EntryDto[]): unknown => entries.map(({ blocksDownloaded: _d, ...rest }) => rest)
      assert.deepEqual(strip(await restarted.api.listEntries({ journal: forkKey })), strip(expected))
      assert.deepEqual({ ...(await restarted.api.getJournal({ journal: forkKey })).provenance, forkedAt: 0 }, { forkedFrom: own.id, version, forkedAt: 0 })
      const pending = async (): Promise<unknown> =>
        (JSON.parse(await readFile(libraryFile, 'utf8')) as { journals: Array<{ key: string; pendingFork?: unknown }> }).journals.find((r) => r.key === forkKey)
          ?.pendingFork
      await waitFor(async () => (await pending()) === undefined, 'the library no longer lists the fork as pending')
    } finally {
      await restarted.shutdown()
    }
  })
})
