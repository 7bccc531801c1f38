import { strict as assert } from 'node:assert'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import { encode as encodeKey, decode as decodeKey } from 'hypercore-id-encoding'
import { ApiError, IMPORT_CHUNK_BYTES } from '#shared/api'
import type { EntryDto, LibraryItem } from '#shared/dto'
import { KEY_HELP } from '#shared/journal-key'
import { AppServices } from '../../src/main/app/app-services'
import { parseBootstrap } from '../../src/main/network/bootstrap'
import { HELLO_MP3, HELLO_WAV } from '../helpers/fixtures'
import { startHeadless, type HeadlessApp } from '../helpers/headless-process'
import { readAll } from '../helpers/streams'
import { makeTempDir } from '../helpers/temp-dir'
import { startTestnet } from '../helpers/testnet'
import { waitFor } from '../helpers/wait-for'

async function importInto(services: AppServices, file: string): Promise<EntryDto> {
  const bytes = await readFile(file)
  const { importId } = await services.api.beginImport({ fileName: file.split('/').pop()!, size: bytes.length })
  for (let offset = 0; offset < bytes.length; offset += IMPORT_CHUNK_BYTES) {
    await services.api.appendImport({ importId, chunk: bytes.subarray(offset, offset + IMPORT_CHUNK_BYTES) })
  }
  return services.api.finishImport({ importId })
}

async function audioOf(services: AppServices, journal: string, path: string, version?: number): Promise<Buffer> {
  const audio = await services.library.journal(journal).openAudio(path, version)
  try {
    return await readAll(audio.read())
  } finally {
    await audio.close()
  }
}

// Three peers with their own data directories on a loopback testnet. A is the built headless app
// in its own process (so it can go offline); B and C run the same services in this process.
describe('library: follow, seed, fork and browse versions across three peers', () => {
  let network: Awaited<ReturnType<typeof startTestnet>>
  let peerA: HeadlessApp
  let peerB: AppServices
  let peerC: AppServices | undefined
  let dirB: string
  const cleanups: Array<() => Promise<void>> = []
  const original = new Map<string, Buffer>()
  let keyA: string
  let versionBeforeDelete: number
  let deleted: EntryDto
  let kept: EntryDto[]

  before(async () => {
    network = await startTestnet()
    const [a, b, c] = [await makeTempDir(), await makeTempDir(), await makeTempDir()]
    cleanups.push(a.cleanup, b.cleanup, c.cleanup)
    dirB = b.dir
    peerA = await startHeadless(a.dir, ['--bootstrap', network.bootstrap])
    keyA = peerA.info.key
    const first = await peerA.importFile(HELLO_MP3)
    const second = await peerA.importFile(HELLO_WAV)
    const third = await peerA.importFile(HELLO_MP3)
    original.set(first.path, await readFile(HELLO_MP3))
    original.set(second.path, await readFile(HELLO_WAV))
    original.set(third.path, await readFile(HELLO_MP3))
    versionBeforeDelete = (await peerA.call<{ version: number }>('getStatus')).version
    await peerA.call('deleteEntry', { path: second.path })
    deleted = second
    kept = [first, third]
    peerB = await AppServices.boot({ dataDir: b.dir, bootstrap: parseBootstrap(network.bootstrap) })
    cleanups.unshift(async () => void (await peerC?.shutdown()))
  })

  after(async () => {
    await peerB?.shutdown()
    await peerA?.stop()
    for (const cleanup of cleanups) await cleanup()
    await network?.testnet.destroy()
  })

  it('refuses garbage keys with the message that says what a key looks like, and adds nothing', async () => {
    for (const link of ['hello', 'hyper://not-a-key/', `${keyA}x`, `hyper://${keyA}+0/`, 'https://example.com/']) {
      await assert.rejects(peerB.api.addToLibrary({ link }), (error: unknown) => error instanceof ApiError && error.code === 'bad-request' && error.message === KEY_HELP)
    }
    assert.equal((await peerB.api.listLibrary()).length, 1, 'only my own journal')
  })

  it('shows a key nobody serves as looking for peers, not as an error', async () => {
    const nobody = encodeKey(Buffer.alloc(32, 7))
    const { item } = await peerB.api.addToLibrary({ link: nobody })
    assert.equal(item.lookingForPeers, true)
    assert.deepEqual(await peerB.api.listEntries({ journal: nobody }), [])
    await peerB.api.removeFromLibrary({ journal: nobody })
  })

  it('opens A by hex key and by hyper:// link with a version, read-only', async () => {
    const hex = decodeKey(keyA).toString('hex')
    const byHex = await peerB.api.addToLibrary({ link: hex })
    assert.equal(byHex.item.key, keyA)
    assert.equal(byHex.item.writable, false)
    const byLink = await peerB.api.addToLibrary({ link: `hyper://${keyA}+${versionBeforeDelete}/` })
    assert.equal(byLink.version, versionBeforeDelete)
    await waitFor(async () => (await peerB.api.listEntries({ journal: keyA })).length === 2, 'B lists A’s two entries', 20_000)
    await assert.rejects(peerB.api.deleteEntry({ journal: keyA, path: kept[0]!.path }), /can be read, not changed/)
  })

  it('announces entries that arrive later from A (for the desktop notification), once each', async () => {
    const announced: Array<{ source: string; journal: string; paths: string[] }> = []
    const listener = (added: { source: string; journal: string; entries: Array<{ path: string }> }): void => {
      announced.push({ source: added.source, journal: added.journal, paths: added.entries.map((e) => e.path) })
    }
    peerB.on('entries-added', listener)
    try {
      const late = await peerA.importFile(HELLO_MP3)
      await waitFor(() => announced.length > 0, 'B announces the new entry', 20_000)
      assert.deepEqual(announced, [{ source: 'peer', journal: keyA, paths: [late.path] }])
      // Taken back out, so the rest of the story is about the same two entries.
      await peerA.call('deleteEntry', { path: late.path })
      await waitFor(async () => (await peerB.api.listEntries({ journal: keyA })).length === 2, 'B sees it go', 20_000)
      assert.equal(announced.length, 1, 'a deletion is not announced')
    } finally {
      peerB.off('entries-added', listener)
    }
  })

  it('browses A’s version N, including an entry deleted after N, and lists what changed since', async () => {
    const atN = await peerB.api.listEntries({ journal: keyA, version: versionBeforeDelete })
    assert.deepEqual(atN.map((e) => e.path).sort(), [...original.keys()].sort())
    assert.ok((await audioOf(peerB, keyA, deleted.path, versionBeforeDelete)).equals(original.get(deleted.path)!))
    const changes = await peerB.api.compareVersions({ journal: keyA, from: versionBeforeDelete })
    assert.deepEqual(
      changes.map((c) => [c.change, c.path]),
      [['deleted', deleted.path]]
    )
  })

  it('seeds A fully (every version’s blocks) with progress reaching 100 %', async () => {
    await peerB.api.setSeeding({ journal: keyA, state: 'seeding' })
    let item: LibraryItem | undefined
    await waitFor(
      async () => {
        item = (await peerB.api.listLibrary()).find((i) => i.key === keyA)
        return item?.seeding.complete === true
      },
      'B holds all of A',
      30_000
    )
    assert.equal(item!.seeding.state, 'seeding')
    assert.equal(item!.seeding.bytesDownloaded, item!.seeding.bytesTotal)
    assert.ok(item!.seeding.bytesTotal > [...original.values()].reduce((sum, bytes) => sum + bytes.length, 0))
  })

  it('serves C every entry, byte-identical, from B alone once A is offline', async () => {
    assert.equal(await peerA.stop(), 0)
    const c = await makeTempDir()
    cleanups.push(c.cleanup)
    peerC = await AppServices.boot({ dataDir: c.dir, bootstrap: parseBootstrap(network.bootstrap) })
    await peerC.api.addToLibrary({ link: keyA })
    await waitFor(async () => (await peerC!.api.listEntries({ journal: keyA })).length === 2, 'C lists A’s entries', 30_000)
    for (const entry of kept) assert.ok((await audioOf(peerC, keyA, entry.path)).equals(original.get(entry.path)!), entry.path)
    // History too: B seeded the deleted entry's blocks.
    assert.ok((await audioOf(peerC, keyA, deleted.path, versionBeforeDelete)).equals(original.get(deleted.path)!))
    // Removing it gives the space back: added again, C holds none of its audio until asked.
    await peerC.api.removeFromLibrary({ journal: keyA })
    assert.equal((await peerC.api.listLibrary()).length, 1)
    await peerC.api.addToLibrary({ link: keyA })
    const blobs = await peerC.library.journal(keyA).drive.getBlobs()
    assert.equal(await blobs.core.has(0), false, 'the audio blocks were cleared')
    assert.equal((await peerC.api.listEntries({ journal: keyA })).length, 2, 'and come back from B when read')
  })

  it('forks A at an older version into an active journal of B’s own with its provenance; A is untouched', async () => {
    const versionOfA = (await peerB.api.getStatus({ journal: keyA })).version
    const fork = await peerB.api.forkJournal({ journal: keyA, version: versionBeforeDelete, name: 'My copy', makeActive: true })
    assert.equal(fork.kind, 'fork')
    assert.equal(fork.writable, true)
    assert.equal(fork.active, true)
    assert.deepEqual({ ...fork.provenance, forkedAt: 0 }, { forkedFrom: keyA, version: versionBeforeDelete, forkedAt: 0 })
    const forkEntries = await peerB.api.listEntries({ journal: fork.key })
    const atN = await peerB.api.listEntries({ journal: keyA, version: versionBeforeDelete })
    const strip = (entries: EntryDto[]): unknown => entries.map(({ blocksDownloaded: _d, blocksTotal: _t, ...rest }) => rest)
    assert.deepEqual(strip(forkEntries), strip(atN), 'same entries and metadata as A at version N')
    const history = await peerB.api.getHistory({ journal: fork.key })
    assert.deepEqual(
      history.items.map((item) => [item.change, item.path]).sort(),
      atN.map((entry) => ['added', entry.path]).sort(),
      'the history lists the copied entries, not the provenance record'
    )
    const added = await importInto(peerB, HELLO_WAV)
    assert.ok((await peerB.api.listEntries({ journal: fork.key })).some((e) => e.path === added.path), 'the import lands in the fork')
    assert.equal((await peerB.api.getStatus({ journal: keyA })).version, versionOfA, 'A’s journal did not move')
    assert.ok(!(await peerB.api.listEntries({ journal: keyA })).some((e) => e.path === added.path))
  })

  it('asks before removing a writable journal and refuses to remove the active one', async () => {
    const spare = await peerB.api.createJournal({ name: 'Spare' })
    await assert.rejects(peerB.api.removeFromLibrary({ journal: spare.key }), (e: unknown) => e instanceof ApiError && e.code === 'needs-confirmation')
    assert.ok((await peerB.api.listLibrary()).some((i) => i.key === spare.key), 'still there after the refusal')
    await peerB.api.removeFromLibrary({ journal: spare.key, confirmWritable: true })
    const active = (await peerB.api.listLibrary()).find((i) => i.active)!
    await assert.rejects(peerB.api.removeFromLibrary({ journal: active.key, confirmWritable: true }), /active journal/)
  })

  it('keeps the library, seeding state, the fork and the active journal across a restart', async () => {
    const before = await peerB.api.listLibrary()
    await peerB.shutdown()
    peerB = await AppServices.boot({ dataDir: dirB, bootstrap: parseBootstrap(network.bootstrap) })
    const after = await peerB.api.listLibrary()
    const shape = (items: LibraryItem[]): unknown => items.map((i) => [i.key, i.kind, i.name, i.active, i.seeding.state])
    assert.deepEqual(shape(after), shape(before))
    const fork = after.find((i) => i.kind === 'fork')!
    assert.equal(peerB.activeJournal.id, fork.key)
    assert.equal((await peerB.api.getJournal({ journal: fork.key })).provenance?.forkedFrom, keyA)
    // Everything of A is still here to serve and play, with A offline.
    const followed = after.find((i) => i.key === keyA)!
    await waitFor(async () => (await peerB.api.listLibrary()).find((i) => i.key === keyA)!.seeding.complete, 'seeding progress recounted', 10_000)
    assert.equal(followed.kind, 'followed')
    for (const entry of kept) assert.ok((await audioOf(peerB, keyA, entry.path)).equals(original.get(entry.path)!))
  })
  it('follows and seeds a journal given with --seed on the headless command line, from B alone', async () => {
    const d = await makeTempDir()
    cleanups.push(d.cleanup)
    const peerD = await startHeadless(d.dir, ['--bootstrap', network.bootstrap, '--seed', `hyper://${keyA}/`])
    try {
      const followed = async (): Promise<LibraryItem | undefined> => (await peerD.call<LibraryItem[]>('listLibrary')).find((i) => i.key === keyA)
      assert.equal((await followed())?.seeding.state, 'seeding')
      await waitFor(async () => (await followed())?.seeding.complete === true, 'D holds all of A', 30_000)
      for (const entry of kept) assert.ok((await peerD.audio(entry.path, undefined, keyA)).equals(original.get(entry.path)!))
    } finally {
      await peerD.stop()
    }
  })
})
